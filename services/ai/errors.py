"""What can go wrong when writing a horoscope, and whether trying again can help."""

from __future__ import annotations


class GenerationError(Exception):
    """A generation attempt failed. ``retryable`` says whether another attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool, alert: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        # The operator must act (bad key, quota exhausted, unknown model): tell the admins.
        self.alert = alert
