"""Normalising what a generator returns: the LLM's text is untrusted input."""

from __future__ import annotations

import re

# Telegram's limit is 4096 characters; the header (sign, date) and the footer need room.
MAX_HOROSCOPE_CHARS = 3500

_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKDOWN_RE = re.compile(r"(\*\*|__|\*|`{1,3}|^#{1,6}\s*)", re.MULTILINE)
_SPACES_RE = re.compile(r"[ \t]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_SENTENCE_END_RE = re.compile(r"[.!?…](?=\s|$)")


class EmptyHoroscopeError(ValueError):
    """The generator returned nothing usable (None, empty or only whitespace/markup)."""


def normalize_horoscope(raw: str | None, limit: int = MAX_HOROSCOPE_CHARS) -> str:
    """Plain text: no HTML tags or markdown, tidy whitespace, at most ``limit`` characters
    cut at a sentence boundary. Raises EmptyHoroscopeError when nothing is left."""
    if raw is None:
        raise EmptyHoroscopeError("the generator returned no content")
    text = _TAG_RE.sub("", raw)
    text = _MARKDOWN_RE.sub("", text)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    text = _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()
    if not text:
        raise EmptyHoroscopeError("the generator returned empty text")
    return cut_at_sentence(text, limit)


def cut_at_sentence(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [match.end() for match in _SENTENCE_END_RE.finditer(head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]].rstrip()
    # No sentence end in a sensible place: cut at a word and mark the cut.
    space = head.rfind(" ", 0, limit - 1)
    return head[: space if space > limit // 2 else limit - 1].rstrip() + "…"
