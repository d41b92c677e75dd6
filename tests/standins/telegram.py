"""The Bot API stand-in now lives in the package (``sandbox.telegram_api``): the sandbox
and the tests share one implementation. This module keeps old imports working."""

from sandbox.telegram_api import *  # noqa: F403
from sandbox.telegram_api import __all__ as __all__
