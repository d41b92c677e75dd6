"""Telegram's HTML flavour: parsing into visible text and entities, as the Bot API does.

Offsets and lengths are in UTF-16 code units (:func:`utf16_len`), the unit Telegram counts in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


class HTMLParseError(ValueError):
    """Invalid Telegram HTML; ``str(error)`` is the reason Telegram gives."""


@dataclass(frozen=True)
class FormattedText:
    """Visible text plus Telegram message entities (offsets in UTF-16 units)."""

    text: str
    entities: list[dict[str, Any]]


@dataclass
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the visible text where the tag's content starts
    byte_offset: int  # where the tag starts in the source, for error messages
    argument: str | None


_ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_ENTITY_TYPE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(
    r"&(?:#(?:[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<dec>[0-9]{1,10}))|(?P<name>[a-zA-Z][a-zA-Z0-9]*));"
)
_TEXT_SPECIAL = re.compile(r"[<>&]")
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.-]*")


def _decode_entity(match: re.Match[str]) -> str | None:
    """The character an HTML entity stands for, or None if Telegram doesn't support it."""
    if match["name"] is not None:
        return _NAMED_ENTITIES.get(match["name"])
    code = int(match["hex"], 16) if match["hex"] is not None else int(match["dec"])
    if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


class TelegramHTMLParser:
    """Parses Telegram's HTML flavour into visible text and entities, like the Bot API.

    Error reasons follow TDLib's wording (``Unsupported start tag "x" at byte
    offset N``, ``Unmatched end tag ...``, ``Can't find end tag corresponding
    to start tag "b"``).  With ``strict=True`` a bare ``>`` and an ``&`` that
    does not start a supported entity are errors too.
    """

    def __init__(self, source: str, *, strict: bool = True) -> None:
        self.src = source
        self.strict = strict
        self.pos = 0
        self._out: list[str] = []
        self._utf16 = 0
        self._stack: list[_OpenTag] = []
        self._entities: list[dict[str, Any]] = []

    def parse(self) -> FormattedText:
        src = self.src
        while self.pos < len(src):
            special = _TEXT_SPECIAL.search(src, self.pos)
            stop = special.start() if special else len(src)
            self._emit(src[self.pos : stop])
            self.pos = stop
            if special is None:
                break
            char = special.group()
            if char == "<":
                if src.startswith("</", self.pos):
                    self._end_tag()
                else:
                    self._start_tag()
            elif char == "&":
                self._text_entity()
            elif self.strict:
                raise HTMLParseError(
                    f'Unescaped ">" at byte offset {self._byte(self.pos)}; use "&gt;"'
                )
            else:
                self._emit(">")
                self.pos += 1
        if self._stack:
            raise HTMLParseError(
                f'Can\'t find end tag corresponding to start tag "{self._stack[-1].name}"'
            )
        entities = sorted(self._entities, key=lambda e: (e["offset"], -e["length"]))
        for entity in entities:
            entity.pop("_language", None)
        return FormattedText("".join(self._out), entities)

    # -- helpers

    def _emit(self, text: str) -> None:
        if text:
            self._out.append(text)
            self._utf16 += utf16_len(text)

    def _byte(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def _skip_spaces(self, pos: int) -> int:
        while pos < len(self.src) and self.src[pos].isspace():
            pos += 1
        return pos

    def _text_entity(self) -> None:
        match = _ENTITY_RE.match(self.src, self.pos)
        decoded = _decode_entity(match) if match else None
        if match is not None and decoded is not None:
            self._emit(decoded)
            self.pos = match.end()
            return
        if self.strict:
            where = f"at byte offset {self._byte(self.pos)}"
            if match is not None:
                raise HTMLParseError(f'Unsupported HTML entity "{match.group()}" {where}')
            raise HTMLParseError(f'Unescaped "&" {where}; use "&amp;"')
        self._emit("&")
        self.pos += 1

    def _decode_attribute(self, raw: str) -> str:
        def replace(match: re.Match[str]) -> str:
            decoded = _decode_entity(match)
            return match.group() if decoded is None else decoded

        return _ENTITY_RE.sub(replace, raw)

    # -- tags

    def _start_tag(self) -> None:
        src, begin = self.src, self.pos
        at = f"at byte offset {self._byte(begin)}"
        end = begin + 1
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        if end >= len(src):
            raise HTMLParseError(f"Unclosed start tag {at}")
        name = src[begin + 1 : end].lower()
        if name not in _ALLOWED_TAGS:
            raise HTMLParseError(f'Unsupported start tag "{name}" {at}')

        attributes: dict[str, str] = {}
        pos = end
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(src):
                raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
            if src[pos] == ">":
                pos += 1
                break
            attr_begin = pos
            while pos < len(src) and not src[pos].isspace() and src[pos] not in "=>/\"'":
                pos += 1
            attr = src[attr_begin:pos].lower()
            if not attr:
                raise HTMLParseError(f'Empty attribute name in the tag "{name}" {at}')
            pos = self._skip_spaces(pos)
            if pos >= len(src):
                raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
            if src[pos] != "=":
                attributes[attr] = ""
                continue
            pos = self._skip_spaces(pos + 1)
            if pos >= len(src):
                raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
            if src[pos] in "\"'":
                close = src.find(src[pos], pos + 1)
                if close == -1:
                    raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
                attributes[attr] = self._decode_attribute(src[pos + 1 : close])
                pos = close + 1
            else:
                value = _UNQUOTED_VALUE.match(src, pos)
                assert value is not None  # the pattern matches the empty string
                pos = value.end()
                if pos >= len(src):
                    raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
                if not src[pos].isspace() and src[pos] != ">":
                    raise HTMLParseError(
                        f"Unexpected end of name token at byte offset {self._byte(pos)}"
                    )
                attributes[attr] = value.group().lower()

        self._stack.append(
            _OpenTag(name, self._utf16, self._byte(begin), self._argument(name, attributes, at))
        )
        self.pos = pos

    @staticmethod
    def _argument(name: str, attributes: dict[str, str], at: str) -> str | None:
        if name == "span":
            if attributes.get("class") != "tg-spoiler":
                raise HTMLParseError(f'Tag "span" must have class "tg-spoiler" {at}')
        elif name == "a":
            href = attributes.get("href", "").strip()
            if not href:
                raise HTMLParseError(f'Tag "a" must have a non-empty "href" attribute {at}')
            return href
        elif name == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not emoji_id.isdecimal():
                raise HTMLParseError("Invalid custom emoji identifier specified")
            return emoji_id
        elif name == "code":
            css_class = attributes.get("class", "")
            if css_class.startswith("language-"):
                return css_class.removeprefix("language-")
        elif name == "blockquote" and "expandable" in attributes:
            return "expandable"
        return None

    def _end_tag(self) -> None:
        src, begin = self.src, self.pos
        at = f"at byte offset {self._byte(begin)}"
        if not self._stack:
            raise HTMLParseError(f"Unexpected end tag {at}")
        end = begin + 2
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        name = src[begin + 2 : end].lower()
        pos = self._skip_spaces(end)
        if pos >= len(src) or src[pos] != ">":
            raise HTMLParseError(f"Unclosed end tag {at}")
        top = self._stack[-1]
        if name and name != top.name:
            raise HTMLParseError(
                f'Unmatched end tag {at}, expected "</{top.name}>", found "</{name}>"'
            )
        self._stack.pop()
        self.pos = pos + 1
        self._close_entity(top)

    def _close_entity(self, tag: _OpenTag) -> None:
        length = self._utf16 - tag.offset
        if length <= 0:
            return  # Telegram drops empty entities
        entity: dict[str, Any] = {"type": _ENTITY_TYPE[tag.name], "offset": tag.offset}
        entity["length"] = length
        if tag.name == "a":
            entity["url"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code" and tag.argument:
            entity["_language"] = tag.argument
        elif tag.name == "pre" and self._entities:
            last = self._entities[-1]
            if (last["type"], last["offset"], last["length"]) == ("code", tag.offset, length):
                # <pre><code class="language-x">...</code></pre> is one pre entity
                self._entities.pop()
                if "_language" in last:
                    entity["language"] = last["_language"]
        self._entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> FormattedText:
    """Parse Telegram HTML; raises :class:`HTMLParseError` with Telegram's reason."""
    return TelegramHTMLParser(text, strict=strict).parse()


TRIMMED = " \t\n\r\f\v"


def trim(formatted: FormattedText) -> FormattedText:
    """Strip leading/trailing whitespace as Telegram does, keeping entities aligned."""
    text = formatted.text
    stripped = text.strip(TRIMMED)
    if stripped == text:
        return formatted
    shift = utf16_len(text[: len(text) - len(text.lstrip(TRIMMED))])
    total = utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)
