"""The daily push's delivery engine: the sender loop (:class:`PushEngine`), its pacing
(:class:`SendPacer`, shared with the bot's interactive sends), and what the bot plugs in to
send a message (:data:`Deliver`, the errors it raises). See docs/ARCHITECTURE.md, "The daily
push"."""

from services.push.engine import PushCounters, PushEngine
from services.push.messages import (
    ChatGone,
    Deliver,
    PermanentFailure,
    PushMessage,
    RetryAfter,
    TransientFailure,
)
from services.push.pacing import SendPacer
from services.push.planning import Plan, plan_delivery

__all__ = [
    "ChatGone",
    "Deliver",
    "PermanentFailure",
    "Plan",
    "PushCounters",
    "PushEngine",
    "PushMessage",
    "RetryAfter",
    "SendPacer",
    "TransientFailure",
    "plan_delivery",
]
