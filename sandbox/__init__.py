"""The sandbox: the whole bot in a browser, with no Telegram token.

``telegram_api`` (a package) is a local Bot API server (the one the test suite uses too),
``web`` the chat page that drives it, ``runner`` puts both and the unmodified bot in one
process.
"""
