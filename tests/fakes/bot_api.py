"""A small but faithful fake of the Telegram Bot API server, for end-to-end tests.

Why a real HTTP server and not a mocked ``telegram.Bot``: the end-to-end tests start the bot as a
separate OS process, exactly as it runs in production, so the fake must speak the wire protocol
that python-telegram-bot (PTB) really uses: ``POST {base_url}{token}/{method}`` with form-encoded
or multipart bodies (complex values JSON-encoded inside form fields), long-polled ``getUpdates``,
and file downloads from ``{base_file_url}{token}/{file_path}``.

Why "faithful": the npm ``telegram-test-api`` was rejected because its objects did not match the
Bot API (millisecond dates, ``null`` from edits, missing ``chat_instance`` ...), so bugs that real
Telegram would expose stayed hidden. This fake therefore copies the behaviours that bots trip
over in production: ``message is not modified`` on no-op edits, edits without ``reply_markup``
dropping the inline keyboard, 64-byte ``callback_data``, the 4096-character text limit, HTML and
MarkdownV2 parse errors, answering a callback query twice, ``bot can't initiate conversation``
before a user has written to the bot, and privacy mode in groups.

Usage (sync test; the bot runs in another process or thread)::

    with FakeBotApi(token="123:ABC") as fake:
        env = {**os.environ, **fake.env()}            # BOT_API_BASE_URL / BOT_API_FILE_URL
        user = fake.user(user_id=1001, first_name="Aiko")
        user.send_text("/start")
        user.wait_for_text("Welcome")
        user.press("Level 2")
        assert "Level 2" in user.wait_for_message()["text"]

Async tests that run the bot in their own event loop must use the ``*_async`` waits, because the
blocking waits would stop the loop that has to produce the reply.

Waiting is race-free by design: every chat keeps an append-only log of bot output ("sent" and
"edited" events, each carrying the message as it was right after that event) and every
:class:`ChatView` keeps a read cursor into it. A user action (``send_text``/``press``) first moves
the cursor to the end of the log, so a wait only sees output produced after that action; a
successful wait moves the cursor just past the event it returned, so consecutive waits return
consecutive messages. :meth:`ChatView.mark` moves the cursor by hand.

Webhooks too (``setWebhook``, ``deleteWebhook``, ``getWebhookInfo``; ``getUpdates`` is 409 while one is
set): the fake then POSTs each update to the bot until it answers 2xx, one chat's in order
(``tests/fakes/webhook_delivery.py``), with test controls for duplicates, out-of-order redeliveries
and several replicas behind one address (``route_webhook``, ``webhook_faults``, ``post_update``).
Unlike Telegram it accepts ``http://`` addresses on the loopback interface.

Not modelled (requests for them get the real API's 404 "method not found", so gaps are loud):
inline mode, payments, media groups, forwarding, reactions, chat administration.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import re
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from .webhook_delivery import Delivery, WebhookConfig, WebhookDelivery, WebhookFaults

__all__ = [
    "ApiCall",
    "CallbackAnswer",
    "ChatView",
    "FakeBotApi",
    "FakeGroup",
    "FakeUser",
    "SentFile",
    "UploadedFile",
    "inline_buttons",
]

JsonDict = dict[str, Any]
_T = TypeVar("_T")
_LOG = logging.getLogger(__name__)

_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_TEXT_LIMIT = 4096
_CAPTION_LIMIT = 1024
_CALLBACK_DATA_LIMIT = 64
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


# --------------------------------------------------------------------------------------------
# Public records handed to tests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request; kept whole so tests can compare the exact bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as the fake saw it, so tests can assert on side effects such as
    ``setMyCommands`` that leave no trace in any chat.

    ``params`` are normalised (ints, bools and JSON fields decoded; uploads as
    :class:`UploadedFile`); ``response`` is the exact JSON body that was returned.
    """

    method: str
    params: JsonDict
    status: int
    response: JsonDict

    @property
    def ok(self) -> bool:
        """Whether the call succeeded, without the test having to know the envelope layout."""
        return self.status == 200


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's ``answerCallbackQuery`` for a button press, i.e. the toast/alert the user sees."""

    query_id: str
    user_id: int
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class SentFile:
    """A file the bot sent into a chat, with the bytes it uploaded, so tests can check contents."""

    kind: str
    message_id: int
    file_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes
    caption: str | None


def inline_buttons(message: JsonDict) -> list[JsonDict]:
    """Flattens a message's inline keyboard, because tests care about buttons, not rows."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


# --------------------------------------------------------------------------------------------
# Errors and parameter decoding
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """Raised by method handlers; becomes the ``{"ok": false, ...}`` envelope real Telegram sends."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# PTB sends every non-string value JSON-encoded inside a form field; these are the ones the fake reads.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_content_type_detection",
    }
)


def _normalize_params(raw: JsonDict) -> JsonDict:
    """Decodes form values the way Telegram does, so handlers see one shape for form and JSON."""
    params: JsonDict = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in _JSON_FIELDS:
            try:
                value = json.loads(value)
            except ValueError:
                what = "reply keyboard markup" if key == "reply_markup" else key
                raise _bad_request(f"can't parse {what} JSON object") from None
        elif isinstance(value, str) and key in _INT_FIELDS:
            value = _to_number(value)
        elif isinstance(value, str) and key in _BOOL_FIELDS:
            value = value.strip().lower() in {"true", "1"}
        params[key] = value
    return params


def _to_number(value: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def _opt_int(params: JsonDict, key: str) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad_request(f"wrong parameter {key}")
    return int(value)


def _parse_body(content_type: str, body: bytes, query: str) -> JsonDict:
    """Accepts the three encodings the Bot API accepts: query string, urlencoded/multipart, JSON."""
    params: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
    mime, _, rest = content_type.partition(";")
    mime = mime.strip().lower()
    if not body:
        return params
    if mime == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise _bad_request("can't parse JSON request body") from None
        if not isinstance(decoded, dict):
            raise _bad_request("JSON request body must be an object")
        params.update(decoded)
    elif mime == "multipart/form-data":
        boundary = _header_params(rest).get("boundary")
        if not boundary:
            raise _bad_request("multipart body without boundary")
        params.update(_parse_multipart(body, boundary))
    else:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


_HEADER_PARAM_RE = re.compile(r';?\s*([\w*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))')


def _header_params(value: str) -> dict[str, str]:
    """Parses ``; key="value"`` header parameters, undoing httpx's HTML5-style escaping."""
    result: dict[str, str] = {}
    for match in _HEADER_PARAM_RE.finditer(value):
        key, quoted, bare = match.groups()
        unescaped = None if quoted is None else re.sub(r"\\(.)", r"\1", quoted).replace("%22", '"')
        result[key.lower()] = bare.strip() if unescaped is None else unescaped
    return result


def _parse_multipart(body: bytes, boundary: str) -> JsonDict:
    """A strict, tiny multipart/form-data reader (``cgi`` is gone in 3.13; ``email`` mangles bytes)."""
    params: JsonDict = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, separator, data = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise _bad_request("malformed multipart body")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        _, _, disposition_params = disposition.partition(";")
        fields = _header_params(";" + disposition_params)
        name = fields.get("name")
        if name is None:
            raise _bad_request("multipart part without a name")
        if "filename" in fields:
            content_type = headers.get("content-type", "application/octet-stream")
            params[name] = UploadedFile(fields["filename"], content_type, data)
        else:
            params[name] = data.decode("utf-8")
    return params


# --------------------------------------------------------------------------------------------
# Text formatting: HTML / MarkdownV2 / Markdown -> (text, entities), as Telegram's server does it
# --------------------------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    """Entity offsets count UTF-16 code units; emoji outside the BMP count twice."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports parse-error positions in UTF-8 bytes, not characters."""
    return len(text[:index].encode("utf-8"))


def _entities_error(detail: str) -> ApiError:
    return _bad_request(f"can't parse entities: {detail}")


class _EntityBuilder:
    """Collects output text and entities while tracking the UTF-16 offset entities need."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self.offset = 0
        self.entities: list[JsonDict] = []

    @property
    def mark(self) -> int:
        """A position usable with :meth:`text_since`, for links whose URL is their own text."""
        return len(self._pieces)

    def append(self, text: str) -> None:
        self._pieces.append(text)
        self.offset += _utf16_len(text)

    def text_since(self, mark: int) -> str:
        return "".join(self._pieces[mark:])

    def add(self, entity_type: str, start: int, **extra: Any) -> None:
        # Telegram silently drops entities that cover no text.
        if self.offset > start:
            self.entities.append(
                {"type": entity_type, "offset": start, "length": self.offset - start, **extra}
            )

    def result(self) -> tuple[str, list[JsonDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self._pieces), entities


def _is_space(char: str) -> bool:
    return char in " \t\r\n\v\f\0"


_HTML_TAGS = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(src: str, index: int) -> tuple[str, int] | None:
    """Only numeric entities and lt/gt/amp/quot are decoded; anything else stays literal text."""
    match = _HTML_ENTITY_RE.match(src, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED_HTML_ENTITIES[name], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


@dataclass
class _OpenTag:
    name: str
    start: int
    byte_offset: int
    attrs: dict[str, str] = field(default_factory=dict)


class _HtmlParser:
    """Mirrors tdlib's ``parse_html`` so that markup Telegram rejects is rejected here too.

    The classic production bug is interpolating user text containing ``<`` or ``&`` into an
    HTML message; real Telegram answers ``Unsupported start tag`` and the message is lost.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self.out = _EntityBuilder()
        self.stack: list[_OpenTag] = []

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else "\0"

    def parse(self) -> tuple[str, list[JsonDict]]:
        i = 0
        while i < len(self.src):
            char = self.src[i]
            if char == "&" and (decoded := _decode_html_entity(self.src, i)) is not None:
                self.out.append(decoded[0])
                i = decoded[1]
            elif char != "<":
                self.out.append(char)
                i += 1
            elif self.at(i + 1) == "/":
                i = self._end_tag(i)
            else:
                i = self._start_tag(i)
        if self.stack:
            raise _entities_error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        return self.out.result()

    def _start_tag(self, begin: int) -> int:
        offset = _byte_offset(self.src, begin)
        i = begin + 1
        while not _is_space(self.at(i)) and self.at(i) != ">":
            i += 1
        if i >= len(self.src):
            raise _entities_error(f"Unclosed start tag at byte offset {offset}")
        name = self.src[begin + 1 : i].lower()
        if name not in _HTML_TAGS:
            raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        attrs: dict[str, str] = {}
        while True:
            while i < len(self.src) and _is_space(self.at(i)):
                i += 1
            if i >= len(self.src):
                raise _entities_error(f"Unclosed start tag at byte offset {offset}")
            if self.at(i) == ">":
                break
            name_start = i
            while not _is_space(self.at(i)) and self.at(i) not in "=>":
                i += 1
            attr_name = self.src[name_start:i].lower()
            while i < len(self.src) and _is_space(self.at(i)):
                i += 1
            if self.at(i) != "=":
                attrs[attr_name] = ""
                continue
            i += 1
            while i < len(self.src) and _is_space(self.at(i)):
                i += 1
            attrs[attr_name], i = self._attribute_value(i, offset)
        self.stack.append(_OpenTag(name, self.out.offset, offset, attrs))
        self._check_attributes(self.stack[-1])
        return i + 1

    def _attribute_value(self, i: int, tag_offset: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            start = i
            while self.at(i).isalnum() or self.at(i) in ".-":
                i += 1
            if not _is_space(self.at(i)) and self.at(i) != ">":
                raise _entities_error(
                    f"Unexpected end of name token at byte offset {_byte_offset(self.src, start)}"
                )
            return self.src[start:i].lower(), i
        i += 1
        value: list[str] = []
        while i < len(self.src) and self.src[i] != quote:
            if self.src[i] == "&" and (decoded := _decode_html_entity(self.src, i)) is not None:
                value.append(decoded[0])
                i = decoded[1]
            else:
                value.append(self.src[i])
                i += 1
        if i >= len(self.src):
            raise _entities_error(f"Unclosed start tag at byte offset {tag_offset}")
        return "".join(value), i + 1

    @staticmethod
    def _check_attributes(tag: _OpenTag) -> None:
        if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
            raise _entities_error(f'Tag "span" must have class "tg-spoiler" at byte offset {tag.byte_offset}')
        if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id"):
            raise _entities_error(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {tag.byte_offset}'
            )

    def _end_tag(self, begin: int) -> int:
        offset = _byte_offset(self.src, begin)
        if not self.stack:
            raise _entities_error(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while not _is_space(self.at(i)) and self.at(i) != ">":
            i += 1
        end_name = self.src[begin + 2 : i].lower()
        while i < len(self.src) and _is_space(self.at(i)):
            i += 1
        if self.at(i) != ">":
            raise _entities_error(f"Unclosed end tag at byte offset {offset}")
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise _entities_error(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", found "</{end_name}>"'
            )
        self._emit(tag)
        return i + 1

    def _emit(self, tag: _OpenTag) -> None:
        kind = _HTML_TAGS[tag.name]
        parent = self.stack[-1] if self.stack else None
        if kind == "code" and parent is not None and parent.name == "pre":
            # <pre><code class="language-x"> is one "pre" entity with a language, as in Telegram.
            language = tag.attrs.get("class", "")
            if language.startswith("language-"):
                parent.attrs["language"] = language.removeprefix("language-")
            return
        if kind == "text_link":
            if tag.attrs.get("href"):
                self.out.add(kind, tag.start, url=tag.attrs["href"])
        elif kind == "pre" and tag.attrs.get("language"):
            self.out.add(kind, tag.start, language=tag.attrs["language"])
        elif kind == "blockquote" and "expandable" in tag.attrs:
            self.out.add("expandable_blockquote", tag.start)
        elif kind == "custom_emoji":
            self.out.add(kind, tag.start, custom_emoji_id=tag.attrs["emoji-id"])
        else:
            self.out.add(kind, tag.start)


_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
    "custom_emoji": "CustomEmoji",
}


class _MarkdownV2Parser:
    """Mirrors tdlib's ``parse_markdown_v2``, chiefly its rule that every reserved character
    outside an entity must be escaped, the most common reason a MarkdownV2 message bounces."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.out = _EntityBuilder()
        self.stack: list[tuple[str, int, int, int, str]] = []  # type, offset, byte, mark, language
        self.quote_start: int | None = None

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else "\0"

    def parse(self) -> tuple[str, list[JsonDict]]:
        i = 0
        while i < len(self.src):
            char = self.src[i]
            top = self.stack[-1][0] if self.stack else None
            if char == "\\" and 0 < ord(self.at(i + 1)) <= 126:
                self.out.append(self.src[i + 1])
                i += 2
            elif char == ">" and top is None and (i == 0 or self.src[i - 1] == "\n"):
                if self.quote_start is None:
                    self.quote_start = self.out.offset
                i += 1
            elif char not in ("`" if top in {"code", "pre"} else _MDV2_RESERVED):
                if char == "\n" and self.quote_start is not None and self.at(i + 1) != ">":
                    self.out.add("blockquote", self.quote_start)
                    self.quote_start = None
                self.out.append(char)
                i += 1
            elif top is not None and self._closes(top, i):
                i = self._close(i)
            else:
                i = self._open(i)
        if self.stack:
            kind, _, byte_offset, _, language = self.stack[-1]
            name = "PreCode" if kind == "pre" and language else _MDV2_TYPE_NAMES[kind]
            raise _entities_error(f"Can't find end of {name} entity at byte offset {byte_offset}")
        if self.quote_start is not None:
            self.out.add("blockquote", self.quote_start)
        return self.out.result()

    def _closes(self, top: str, i: int) -> bool:
        char, nxt = self.src[i], self.at(i + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and nxt != "_",
            "underline": char == "_" and nxt == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and nxt == "|",
            "text_link": char == "]",
            "custom_emoji": char == "]",
            "code": char == "`",
            "pre": char == "`" and nxt == "`" and self.at(i + 2) == "`",
        }[top]

    def _open(self, i: int) -> int:
        char, nxt, begin = self.src[i], self.at(i + 1), i
        language = ""
        if char == "_":
            kind, i = ("underline", i + 2) if nxt == "_" else ("italic", i + 1)
        elif char in "*~[":
            kind, i = {"*": "bold", "~": "strikethrough", "[": "text_link"}[char], i + 1
        elif char == "|" and nxt == "|":
            kind, i = "spoiler", i + 2
        elif char == "!" and nxt == "[":
            kind, i = "custom_emoji", i + 2
        elif char == "`" and nxt == "`" and self.at(i + 2) == "`":
            kind, i = "pre", i + 3
            end = i
            while not _is_space(self.at(end)) and self.at(end) != "`":
                end += 1
            if end != i and end < len(self.src) and self.at(end) != "`":
                language, i = self.src[i:end], end
            if self.at(i) in "\r\n" and i < len(self.src):
                i += 2 if self.at(i + 1) in "\r\n" and self.at(i + 1) != self.at(i) else 1
        elif char == "`":
            kind, i = "code", i + 1
        else:
            raise _entities_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        self.stack.append((kind, self.out.offset, _byte_offset(self.src, begin), self.out.mark, language))
        return i

    def _close(self, i: int) -> int:
        kind, start, _, mark, language = self.stack.pop()
        extra: JsonDict = {}
        i += {"underline": 2, "spoiler": 2, "pre": 3}.get(kind, 1)
        if kind in {"text_link", "custom_emoji"}:
            url = self.out.text_since(mark)
            if self.at(i) == "(":
                url_start = i + 1
                url, i = self._url(url_start)
            elif kind == "custom_emoji":
                raise _entities_error("Custom emoji entity must contain a tg://emoji URL")
            if kind == "custom_emoji":
                extra["custom_emoji_id"] = url.removeprefix("tg://emoji?id=")
            else:
                extra["url"] = url
        if kind == "pre" and language:
            extra["language"] = language
        self.out.add(kind, start, **extra)
        return i

    def _url(self, i: int) -> tuple[str, int]:
        start, url = i, []
        while i < len(self.src) and self.src[i] != ")":
            if self.src[i] == "\\" and 0 < ord(self.at(i + 1)) <= 126:
                url.append(self.src[i + 1])
                i += 2
            else:
                url.append(self.src[i])
                i += 1
        if i >= len(self.src):
            raise _entities_error(f"Can't find end of a URL at byte offset {_byte_offset(self.src, start)}")
        return "".join(url), i + 1


def _parse_legacy_markdown(src: str) -> tuple[str, list[JsonDict]]:
    """Mirrors tdlib's legacy ``Markdown`` mode: no nesting, only unclosed entities are errors."""
    out = _EntityBuilder()

    def at(index: int) -> str:
        return src[index] if index < len(src) else "\0"

    i = 0
    while i < len(src):
        char = src[i]
        if char == "\\" and at(i + 1) in "_*`[":
            out.append(src[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            i += 1
            continue
        begin, end_char, is_pre, language = i, "]" if char == "[" else char, False, ""
        i += 1
        if char == "`" and at(i) == "`" and at(i + 1) == "`":
            i, is_pre = i + 2, True
            end = i
            while not _is_space(at(end)) and at(end) != "`":
                end += 1
            if end != i and end < len(src) and at(end) != "`":
                language, i = src[i:end], end
            if at(i) in "\r\n" and i < len(src):
                i += 2 if at(i + 1) in "\r\n" and at(i + 1) != at(i) else 1
        start, mark = out.offset, out.mark
        while i < len(src) and (
            src[i] != end_char or (is_pre and not (at(i + 1) == "`" and at(i + 2) == "`"))
        ):
            out.append(src[i])
            i += 1
        if i >= len(src):
            raise _entities_error(
                f"Can't find end of the entity starting at byte offset {_byte_offset(src, begin)}"
            )
        if char == "[":
            url = out.text_since(mark)
            if at(i + 1) == "(":
                close = src.find(")", i + 2)
                if close != -1:
                    url, i = src[i + 2 : close], close
            out.add("text_link", start, url=url)
        elif is_pre:
            out.add("pre", start, **({"language": language} if language else {}))
            i += 2
        else:
            out.add({"_": "italic", "*": "bold", "`": "code"}[char], start)
        i += 1
    return out.result()


def _trim(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Telegram strips leading/trailing whitespace from message texts and captions."""
    whitespace = " \t\r\n"
    lead = len(text) - len(text.lstrip(whitespace))
    trimmed = text.strip(whitespace)
    limit = _utf16_len(trimmed)
    kept: list[JsonDict] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return trimmed, kept


def _format_text(text: str, parse_mode: Any, entities: Any) -> tuple[str, list[JsonDict]]:
    """Turns a text parameter plus ``parse_mode``/explicit entities into what Telegram stores."""
    if isinstance(entities, list) and entities:
        if not all(isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities):
            raise _bad_request("can't parse entities JSON object")
        return _trim(text, [dict(e) for e in entities])
    mode = str(parse_mode or "").lower()
    if mode == "":
        return _trim(text, [])
    if mode == "html":
        return _trim(*_HtmlParser(text).parse())
    if mode == "markdownv2":
        return _trim(*_MarkdownV2Parser(text).parse())
    if mode == "markdown":
        return _trim(*_parse_legacy_markdown(text))
    raise _bad_request("unsupported parse_mode")


def _formatted(params: JsonDict, key: str, entities_key: str, limit: int) -> tuple[str, list[JsonDict]]:
    raw = params.get(key)
    text, entities = _format_text(
        "" if raw is None else str(raw), params.get("parse_mode"), params.get(entities_key)
    )
    if len(text) > limit:
        raise _bad_request("message is too long" if key == "text" else "message caption is too long")
    return text, entities


# --------------------------------------------------------------------------------------------
# Reply markup
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Markup:
    """A validated ``reply_markup``; only inline keyboards are echoed back inside messages."""

    kind: str  # "inline" | "keyboard" | "remove" | "force_reply"
    value: JsonDict


def _parse_reply_markup(value: Any) -> _Markup | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return _Markup("inline", {"inline_keyboard": _inline_rows(value["inline_keyboard"])})
    if "keyboard" in value:
        if not isinstance(value["keyboard"], list) or not all(isinstance(r, list) for r in value["keyboard"]):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return _Markup("keyboard", value)
    if value.get("remove_keyboard"):
        return _Markup("remove", value)
    if value.get("force_reply"):
        return _Markup("force_reply", value)
    raise _bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: Any) -> list[list[JsonDict]]:
    """Applies Telegram's button rules; BUTTON_DATA_INVALID is the error bots most often hit."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('can\'t parse inline keyboard button: field "inline_keyboard" must be an Array')
    result: list[list[JsonDict]] = []
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
            actions = [key for key in _BUTTON_ACTIONS if key in button]
            if not actions:
                raise _bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if "callback_data" in button and (
                not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= _CALLBACK_DATA_LIMIT
            ):
                raise _bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not button["url"]:
                raise _bad_request("BUTTON_URL_INVALID")
        if row:
            result.append([dict(button) for button in row])
    return result


def _inline_only(markup: _Markup | None) -> JsonDict | None:
    """Edits accept only inline keyboards, and an empty one means "no keyboard"."""
    if markup is None:
        return None
    if markup.kind != "inline":
        raise _bad_request("inline keyboard expected")
    return markup.value if markup.value["inline_keyboard"] else None


# --------------------------------------------------------------------------------------------
# Server-side state and the Bot API methods
# --------------------------------------------------------------------------------------------


@dataclass
class _Event:
    kind: str  # "sent" | "edited"
    message: JsonDict


@dataclass
class _StoredFile:
    kind: str
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None


@dataclass
class _Chat:
    info: JsonDict
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, JsonDict] = field(default_factory=dict)
    events: list[_Event] = field(default_factory=list)
    deleted_message_ids: list[int] = field(default_factory=list)
    files: list[SentFile] = field(default_factory=list)
    reply_keyboard: JsonDict | None = None
    menu_button: JsonDict | None = None


_ApiHandler = Callable[["_BotApiState", JsonDict], Any]
_API_METHODS: dict[str, tuple[str, _ApiHandler]] = {}


def _api(name: str) -> Callable[[_ApiHandler], _ApiHandler]:
    """Registers a handler; lookups are case-insensitive because Telegram's are."""

    def register(handler: _ApiHandler) -> _ApiHandler:
        _API_METHODS[name.lower()] = (name, handler)
        return handler

    return register


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Real Telegram rejects non-images in sendPhoto and reports dimensions, so sniff them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return None


class _BotApiState:
    """Everything the fake server knows, guarded by one condition variable.

    One lock keeps reasoning simple (handlers are tiny, so contention is irrelevant) and the
    same condition wakes long polls, ``wait_for_*`` calls and the async waits alike.
    """

    def __init__(self, token: str, me: JsonDict, clock: Callable[[], float]) -> None:
        self.cond = threading.Condition(threading.RLock())
        self.token = token
        self.me = me
        self.bot_user = {key: me[key] for key in ("id", "is_bot", "first_name", "username")}
        self.clock = clock
        self.chats: dict[int, _Chat] = {}
        self.updates: list[JsonDict] = []
        self.next_update_id = 1
        self.allowed_updates: list[str] | None = None
        self.poll_generation = 0
        self.closing = False
        #: After ``FakeBotApi.revoke_token``: every call is 401 Unauthorized, as for a revoked token.
        self.revoked = False
        #: During ``FakeBotApi.outage``: every call is 502 Bad Gateway, as when Telegram's backend is down.
        self.outage = False
        self.files: dict[str, _StoredFile] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.default_menu_button: JsonDict = {"type": "default"}
        self.callback_queries: dict[str, JsonDict] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.calls: list[ApiCall] = []
        self.internal_errors: list[str] = []
        #: The registered webhook (``setWebhook``); while set, ``delivery`` posts the updates.
        self.webhook: WebhookConfig | None = None
        #: Every update ever queued, by id, so a test can deliver one again (``post_update``).
        self.all_updates: dict[int, JsonDict] = {}
        self.delivery = WebhookDelivery(self)
        self._ids = itertools.count(1)

    # -- plumbing -----------------------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def call(self, method: str, raw_params: JsonDict) -> tuple[int, JsonDict]:
        """Runs one API method and logs it; results are deep-copied so responses never alias state."""
        entry = _API_METHODS.get(method.lower())
        name = entry[0] if entry else method
        params = raw_params
        with self.cond:
            try:
                self.check_available()
                if entry is None:
                    raise ApiError(404, "Not Found: method not found")
                params = _normalize_params(raw_params)
                status, body = 200, {"ok": True, "result": copy.deepcopy(entry[1](self, params))}
            except ApiError as error:
                status = error.error_code
                body = {"ok": False, "error_code": error.error_code, "description": error.description}
            except Exception as error:  # a bug in the fake must fail the test, not hang it
                _LOG.exception("fake Bot API crashed in %s", name)
                self.internal_errors.append(f"{name}: {error!r}")
                status = 500
                body = {"ok": False, "error_code": 500, "description": f"Internal Server Error: {error!r}"}
            self.calls.append(ApiCall(name, params, status, body))
            self.cond.notify_all()
        return status, body

    def wait(self, check: Callable[[], _T | None], timeout: float, describe: Callable[[], str]) -> _T:
        deadline = time.monotonic() + timeout
        with self.cond:
            while (result := check()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(describe())
                self.cond.wait(remaining)
            return result

    async def wait_async(
        self, check: Callable[[], _T | None], timeout: float, describe: Callable[[], str]
    ) -> _T:
        """Polls instead of blocking so the test's event loop (maybe running the bot) keeps going."""
        deadline = time.monotonic() + timeout
        while True:
            with self.cond:
                result = check()
                if result is not None:
                    return result
                if time.monotonic() >= deadline:
                    raise AssertionError(describe())
            await asyncio.sleep(0.01)

    def close(self) -> None:
        with self.cond:
            self.closing = True
            self.cond.notify_all()

    def check_available(self) -> None:
        """The failures of the whole server rather than of one method: a revoked token, an outage."""
        if self.revoked:
            raise ApiError(401, "Unauthorized")
        if self.outage:
            raise ApiError(502, "Bad Gateway")

    def enqueue(self, kind: str, payload: JsonDict) -> None:
        self.updates.append({"update_id": self.next_update_id, kind: payload})
        self.all_updates[self.next_update_id] = self.updates[-1]
        self.next_update_id += 1
        self.cond.notify_all()

    def chat(self, params: JsonDict) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            found = [c for c in self.chats.values() if str(c.info.get("username", "")).lower() == name]
            if found:
                return found[0]
        elif isinstance(chat_id, int) and chat_id in self.chats:
            return self.chats[chat_id]
        raise _bad_request("chat not found")

    def writable_chat(self, params: JsonDict) -> _Chat:
        """Bots may not write first, nor to users who blocked them: both are 403 in real life."""
        chat = self.chat(params)
        if chat.info["type"] == "private":
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def new_message(self, chat: _Chat, sender: JsonDict, content: JsonDict) -> JsonDict:
        message = {"message_id": chat.next_message_id, "from": sender, "chat": chat.info, "date": self.now()}
        message.update(content)
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = message
        return message

    def is_bot_message(self, message: JsonDict) -> bool:
        return message["from"]["id"] == self.bot_user["id"]

    def record(self, chat: _Chat, kind: str, message: JsonDict) -> None:
        chat.events.append(_Event(kind, copy.deepcopy(message)))
        self.cond.notify_all()

    def post_bot_message(self, chat: _Chat, params: JsonDict, content: JsonDict) -> JsonDict:
        """Shared tail of every send* method: reply target, keyboard, storage, event."""
        markup = _parse_reply_markup(params.get("reply_markup"))
        reply_to = self.reply_target(chat, params)
        message = self.new_message(chat, self.bot_user, content)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if markup is not None and markup.kind == "inline" and markup.value["inline_keyboard"]:
            message["reply_markup"] = markup.value
        elif markup is not None and markup.kind == "keyboard":
            chat.reply_keyboard = markup.value
        elif markup is not None and markup.kind == "remove":
            chat.reply_keyboard = None
        self.record(chat, "sent", message)
        return message

    def reply_target(self, chat: _Chat, params: JsonDict) -> JsonDict | None:
        reply = params.get("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        message_id = _opt_int(
            {"message_id": reply.get("message_id", params.get("reply_to_message_id"))}, "message_id"
        )
        if message_id is None:
            return None
        target = chat.messages.get(message_id)
        if target is None:
            if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
                return None
            raise _bad_request("message to be replied not found")
        return {key: value for key, value in target.items() if key != "reply_to_message"}

    def editable(self, params: JsonDict) -> tuple[_Chat, JsonDict]:
        if params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        chat = self.chat(params)
        message_id = _opt_int(params, "message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise _bad_request("message to edit not found")
        if not self.is_bot_message(message):
            raise _bad_request("message can't be edited")
        return chat, message

    def apply_edit(self, chat: _Chat, message: JsonDict, changes: JsonDict) -> JsonDict:
        """``None`` in ``changes`` removes the field, which is how an omitted keyboard disappears."""
        if all(message.get(key) == value for key, value in changes.items()):
            raise _bad_request(_NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = self.now()
        self.record(chat, "edited", message)
        return message

    def store_upload(self, kind: str, params: JsonDict) -> _StoredFile:
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad_request("file must be non-empty")
            number = next(self._ids)
            prefix = "AgACAgIAAxkDAAI" if kind == "photo" else "BQACAgIAAxkDAAI"
            suffix = PurePosixPath(value.filename).suffix or (".jpg" if kind == "photo" else "")
            stored = _StoredFile(
                kind=kind,
                file_id=f"{prefix}{number:06d}",
                file_unique_id=f"AgAD{number:06d}",
                file_path=f"{kind}s/file_{number}{suffix}",
                data=value.data,
                file_name=value.filename,
                mime_type=value.content_type,
            )
            self.files[stored.file_id] = stored
            return stored
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if value is None or value == "":
            raise _bad_request(f"there is no {kind} in the request")
        raise _bad_request("wrong file identifier/HTTP URL specified")

    def send_file(self, kind: str, params: JsonDict, media: Callable[[_StoredFile], Any]) -> JsonDict:
        chat = self.writable_chat(params)
        stored = self.store_upload(kind, params)
        content: JsonDict = {kind: media(stored)}
        caption, entities = _formatted(params, "caption", "caption_entities", _CAPTION_LIMIT)
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        message = self.post_bot_message(chat, params, content)
        chat.files.append(
            SentFile(
                kind,
                message["message_id"],
                stored.file_id,
                stored.file_name,
                stored.mime_type,
                stored.data,
                caption or None,
            )
        )
        return message

    # -- Bot API methods ----------------------------------------------------------------------

    @_api("getMe")
    def get_me(self, params: JsonDict) -> JsonDict:
        return self.me

    @_api("logOut")
    def log_out(self, params: JsonDict) -> bool:
        return True

    @_api("close")
    def close_method(self, params: JsonDict) -> bool:
        return True

    @_api("getUpdates")
    def get_updates(self, params: JsonDict) -> list[JsonDict]:
        """Long polling; a newer poll terminates an older one with 409, exactly like Telegram,
        which makes an accidentally doubled bot instance visible in the logs."""
        self.refuse_while_webhook()
        offset = _opt_int(params, "offset")
        limit = min(max(_opt_int(params, "limit") or 100, 1), 100)
        timeout = params.get("timeout") or 0
        if not isinstance(timeout, int | float):
            raise _bad_request("wrong parameter timeout")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed] or None
        if offset is not None and offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset is not None and offset < 0:
            self.updates = self.updates[offset:]
        self.poll_generation += 1
        generation = self.poll_generation
        self.cond.notify_all()
        deadline = time.monotonic() + max(float(timeout), 0.0)
        while True:
            if self.closing:
                return []
            self.check_available()  # a pending long poll learns of a revoked token or an outage at once
            self.refuse_while_webhook()
            if generation != self.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self.allowed_updates:
                self.updates = [
                    u for u in self.updates if set(u) - {"update_id"} <= set(self.allowed_updates)
                ]
            if self.updates:
                return self.updates[:limit]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self.cond.wait(remaining)

    def refuse_while_webhook(self) -> None:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )

    @_api("setWebhook")
    def set_webhook(self, params: JsonDict) -> bool:
        url = str(params.get("url") or "").strip()
        if not url:
            return self.delete_webhook(params)
        parts = urlsplit(url)
        loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not loopback:
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if not parts.hostname:
            raise _bad_request("bad webhook: Failed to resolve host: Name or service not known")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad_request("bad webhook: secret token contains unallowed characters")
        connections = _opt_int(params, "max_connections") or 40
        if not 1 <= connections <= 100:
            raise _bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = WebhookConfig(
            url,
            str(secret) if secret else None,
            connections,
            [str(kind) for kind in allowed] if isinstance(allowed, list) and allowed else None,
        )
        self.poll_generation += 1  # a long poll in progress ends (with 409)
        self.delivery.reset()
        return True

    @_api("deleteWebhook")
    def delete_webhook(self, params: JsonDict) -> bool:
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = None
        self.delivery.reset()
        return True

    @_api("getWebhookInfo")
    def get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(self.updates)
        if self.webhook is not None:
            info.update(url=self.webhook.url, max_connections=self.webhook.max_connections)
            if self.webhook.allowed_updates:
                info["allowed_updates"] = list(self.webhook.allowed_updates)
            if self.delivery.last_error is not None:
                info["last_error_date"], info["last_error_message"] = self.delivery.last_error
        return info

    @_api("setMyCommands")
    def set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(
                r"[a-z0-9_]{1,32}", str(command.get("command"))
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self.commands_key(params)
        if commands:
            self.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.commands.pop(key, None)
        return True

    @_api("getMyCommands")
    def get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return self.commands.get(self.commands_key(params), [])

    @_api("deleteMyCommands")
    def delete_my_commands(self, params: JsonDict) -> bool:
        self.commands.pop(self.commands_key(params), None)
        return True

    @staticmethod
    def commands_key(params: JsonDict) -> tuple[str, str]:
        """Commands are stored per exact (scope, language); Telegram does not fall back on reads."""
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
            raise _bad_request("wrong parameter scope")
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    @_api("setChatMenuButton")
    def set_chat_menu_button(self, params: JsonDict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in {"commands", "web_app", "default"}:
            raise _bad_request("can't parse menu button JSON object")
        if params.get("chat_id") is None:
            self.default_menu_button = button
        else:
            self.chat(params).menu_button = button
        return True

    @_api("getChatMenuButton")
    def get_chat_menu_button(self, params: JsonDict) -> JsonDict:
        if params.get("chat_id") is None:
            return self.default_menu_button
        return self.chat(params).menu_button or self.default_menu_button

    @_api("sendMessage")
    def send_message(self, params: JsonDict) -> JsonDict:
        chat = self.writable_chat(params)
        text, entities = _formatted(params, "text", "entities", _TEXT_LIMIT)
        if not text:
            raise _bad_request("message text is empty")
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self.post_bot_message(chat, params, content)

    @_api("editMessageText")
    def edit_message_text(self, params: JsonDict) -> JsonDict:
        chat, message = self.editable(params)
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        text, entities = _formatted(params, "text", "entities", _TEXT_LIMIT)
        if not text:
            raise _bad_request("message text is empty")
        markup = _inline_only(_parse_reply_markup(params.get("reply_markup")))
        return self.apply_edit(
            chat, message, {"text": text, "entities": entities or None, "reply_markup": markup}
        )

    @_api("editMessageCaption")
    def edit_message_caption(self, params: JsonDict) -> JsonDict:
        chat, message = self.editable(params)
        if "text" in message:
            raise _bad_request("there is no caption in the message to edit")
        caption, entities = _formatted(params, "caption", "caption_entities", _CAPTION_LIMIT)
        markup = _inline_only(_parse_reply_markup(params.get("reply_markup")))
        changes = {"caption": caption or None, "caption_entities": entities or None, "reply_markup": markup}
        return self.apply_edit(chat, message, changes)

    @_api("editMessageReplyMarkup")
    def edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        chat, message = self.editable(params)
        markup = _inline_only(_parse_reply_markup(params.get("reply_markup")))
        return self.apply_edit(chat, message, {"reply_markup": markup})

    @_api("deleteMessage")
    def delete_message(self, params: JsonDict) -> bool:
        chat = self.chat(params)
        message_id = _opt_int(params, "message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        if chat.messages.pop(message_id, None) is None:
            raise _bad_request("message to delete not found")
        chat.deleted_message_ids.append(message_id)
        return True

    @_api("answerCallbackQuery")
    def answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self.callback_queries.get(query_id)
        if query is None or any(a.query_id == query_id for a in self.callback_answers):
            raise _bad_request(_QUERY_INVALID)
        text = params.get("text")
        self.callback_answers.append(
            CallbackAnswer(
                query_id=query_id,
                user_id=query["from"]["id"],
                data=query.get("data"),
                text=None if text is None else str(text),
                show_alert=bool(params.get("show_alert")),
                url=params.get("url"),
            )
        )
        return True

    @_api("sendChatAction")
    def send_chat_action(self, params: JsonDict) -> bool:
        self.writable_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    @_api("sendDocument")
    def send_document(self, params: JsonDict) -> JsonDict:
        def document(stored: _StoredFile) -> JsonDict:
            info = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
            if stored.file_name:
                info["file_name"] = stored.file_name
            if stored.mime_type:
                info["mime_type"] = stored.mime_type
            return {**info, "file_size": len(stored.data)}

        return self.send_file("document", params, document)

    @_api("sendPhoto")
    def send_photo(self, params: JsonDict) -> JsonDict:
        def photo(stored: _StoredFile) -> list[JsonDict]:
            size = _image_size(stored.data)
            if size is None:
                raise _bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            return [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(stored.data),
                }
            ]

        return self.send_file("photo", params, photo)

    @_api("getFile")
    def get_file(self, params: JsonDict) -> JsonDict:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def download(self, file_path: str) -> bytes | None:
        with self.cond:
            found = [f.data for f in self.files.values() if f.file_path == file_path]
        return found[0] if found else None


# --------------------------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HttpResponse:
    status: int
    body: bytes
    content_type: str = "application/json"


def _json_response(status: int, payload: JsonDict) -> _HttpResponse:
    return _HttpResponse(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _error_response(status: int, description: str) -> _HttpResponse:
    return _json_response(status, {"ok": False, "error_code": status, "description": description})


class _HttpServer(ThreadingHTTPServer):
    """Binds loopback only: the fake must never be reachable from outside the test machine."""

    daemon_threads = True

    def __init__(self, state: _BotApiState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def route(self, path: str, query: str, content_type: str, body: bytes) -> _HttpResponse:
        path = unquote(path)
        if path.startswith("/file/bot"):
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            data = self.state.download(file_path) if token == self.state.token else None
            if data is None:
                return _error_response(404, "Not Found")
            return _HttpResponse(200, data, "application/octet-stream")
        if not path.startswith("/bot"):
            return _error_response(404, "Not Found")
        token, _, method = path.removeprefix("/bot").partition("/")
        if not _TOKEN_RE.fullmatch(token):
            return _error_response(404, "Not Found")
        if token != self.state.token:
            return _error_response(401, "Unauthorized")
        try:
            params = _parse_body(content_type, body, query)
        except ApiError as error:
            return _error_response(error.error_code, error.description)
        except UnicodeDecodeError:
            return _error_response(400, "Bad Request: request body is not valid UTF-8")
        status, payload = self.state.call(method, params)
        return _json_response(status, payload)


class _RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, as api.telegram.org answers: a bot's HTTP client reuses its
    connections, so what one request costs the bot is what it costs against Telegram. A connection
    a client walks away from ends its (daemon) thread when the socket closes."""

    server: _HttpServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes: with Nagle's algorithm on, the body would wait for
    # the client's delayed ACK (40 ms a response on Linux), a delay Telegram's servers do not add.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.route(url.path, url.query, self.headers.get("Content-Type", ""), body)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            _LOG.debug("client went away before the %s response was written", url.path)

    def log_message(self, format: str, *args: Any) -> None:
        _LOG.debug("%s - %s", self.address_string(), format % args)


# --------------------------------------------------------------------------------------------
# The test-facing side
# --------------------------------------------------------------------------------------------


def _summary(message: JsonDict) -> str:
    body = (
        message.get("text")
        or message.get("caption")
        or ("<document>" if "document" in message else "<media>")
    )
    buttons = [b.get("text") for b in inline_buttons(message)]
    return f"#{message['message_id']} {body[:120]!r}" + (f" buttons={buttons}" if buttons else "")


class ChatView:
    """A test's window onto one chat: the bot's output there plus a read cursor (see module doc)."""

    def __init__(self, api: FakeBotApi, chat_id: int) -> None:
        self._api = api
        self._state = api._state
        self.chat_id = chat_id
        self._cursor = 0
        self._last_query_id: str | None = None

    @property
    def _chat(self) -> _Chat:
        return self._state.chats[self.chat_id]

    @property
    def chat(self) -> JsonDict:
        """The Bot API Chat object of this chat."""
        with self._state.cond:
            return copy.deepcopy(self._chat.info)

    @property
    def messages(self) -> list[JsonDict]:
        """Bot messages still in the chat, oldest first, in their latest (edited) state."""
        with self._state.cond:
            found = [m for m in self._chat.messages.values() if self._state.is_bot_message(m)]
            return copy.deepcopy(sorted(found, key=lambda m: m["message_id"]))

    @property
    def history(self) -> list[JsonDict]:
        """All messages still in the chat, user and bot, oldest first."""
        with self._state.cond:
            return copy.deepcopy(sorted(self._chat.messages.values(), key=lambda m: m["message_id"]))

    @property
    def last_message(self) -> JsonDict | None:
        """The newest bot message still in the chat, or ``None``."""
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def deleted_message_ids(self) -> list[int]:
        """IDs the bot deleted with ``deleteMessage``, in call order."""
        with self._state.cond:
            return list(self._chat.deleted_message_ids)

    @property
    def documents(self) -> list[SentFile]:
        """Documents the bot sent here, with the uploaded bytes."""
        with self._state.cond:
            return [f for f in self._chat.files if f.kind == "document"]

    @property
    def photos(self) -> list[SentFile]:
        """Photos the bot sent here, with the uploaded bytes."""
        with self._state.cond:
            return [f for f in self._chat.files if f.kind == "photo"]

    def mark(self) -> None:
        """Ignore all bot output so far; the next wait only sees what comes after this call."""
        with self._state.cond:
            self._cursor = len(self._chat.events)

    def wait_for_message(
        self, predicate: Callable[[JsonDict], bool] | None = None, timeout: float = 10.0
    ) -> JsonDict:
        """Blocks until the bot sends or edits a message here that matches, past the cursor.

        Returns the message as it was right after that send/edit and moves the cursor past it.
        Raises AssertionError listing what the bot did send, so a failure explains itself.
        """
        return self._state.wait(
            self._next_matching(predicate), timeout, self._timeout_report(predicate, timeout)
        )

    def wait_for_text(self, substring: str, timeout: float = 10.0) -> JsonDict:
        """Like :meth:`wait_for_message`, matching ``substring`` in the text or caption."""
        return self.wait_for_message(_has_text(substring), timeout)

    async def wait_for_message_async(
        self, predicate: Callable[[JsonDict], bool] | None = None, timeout: float = 10.0
    ) -> JsonDict:
        """:meth:`wait_for_message` for tests whose own event loop runs the bot."""
        check, report = self._next_matching(predicate), self._timeout_report(predicate, timeout)
        return await self._state.wait_async(check, timeout, report)

    async def wait_for_text_async(self, substring: str, timeout: float = 10.0) -> JsonDict:
        """:meth:`wait_for_text` for tests whose own event loop runs the bot."""
        return await self.wait_for_message_async(_has_text(substring), timeout)

    def _next_matching(self, predicate: Callable[[JsonDict], bool] | None) -> Callable[[], JsonDict | None]:
        def check() -> JsonDict | None:
            events = self._chat.events
            for index in range(self._cursor, len(events)):
                message = copy.deepcopy(events[index].message)
                if predicate is None or predicate(message):
                    self._cursor = index + 1
                    return message
            return None

        return check

    def _timeout_report(
        self, predicate: Callable[[JsonDict], bool] | None, timeout: float
    ) -> Callable[[], str]:
        def report() -> str:
            unseen = [f"{e.kind} {_summary(e.message)}" for e in self._chat.events[self._cursor :]]
            latest = [_summary(m) for m in self.messages[-5:]]
            wanted = "a bot message" if predicate is None else "a bot message matching the predicate"
            return (
                f"Timed out after {timeout}s waiting for {wanted} in chat {self.chat_id}. "
                f"Bot output since the cursor: {unseen or 'none'}. Latest bot messages: {latest or 'none'}."
            )

        return report

    def _send_text(self, sender: JsonDict, text: str, reply_to: int | JsonDict | None) -> JsonDict:
        with self._state.cond:
            self._cursor = len(self._chat.events)
            return self._api._user_message(self.chat_id, sender, text, reply_to)

    def _press(self, sender: JsonDict, button: str, message: int | JsonDict | None) -> str:
        with self._state.cond:
            self._cursor = len(self._chat.events)
            self._last_query_id = self._api._press(self.chat_id, sender, button, message)
            return self._last_query_id


def _has_text(substring: str) -> Callable[[JsonDict], bool]:
    def predicate(message: JsonDict) -> bool:
        return substring in (message.get("text") or message.get("caption") or "")

    return predicate


class FakeUser(ChatView):
    """A Telegram user and their private chat with the bot (chat id == user id, as in Telegram)."""

    def __init__(self, api: FakeBotApi, user: JsonDict) -> None:
        super().__init__(api, user["id"])
        self.user = user
        self.user_id: int = user["id"]

    def send_text(self, text: str, *, reply_to: int | JsonDict | None = None) -> JsonDict:
        """Sends ``text`` to the bot (commands get ``bot_command`` entities); moves the cursor."""
        return self._send_text(self.user, text, reply_to)

    def press(self, button: str, message: int | JsonDict | None = None) -> str:
        """Presses an inline button, found by text or callback_data, on ``message`` (id or dict)
        or else on the newest bot message with an inline keyboard; returns the query id."""
        return self._press(self.user, button, message)

    def block(self) -> None:
        """From now on the bot gets 403 "bot was blocked by the user", to test that path."""
        with self._state.cond:
            self._chat.blocked = True

    def unblock(self) -> None:
        with self._state.cond:
            self._chat.blocked = False

    @property
    def reply_keyboard(self) -> JsonDict | None:
        """The ReplyKeyboardMarkup currently shown, which Telegram never echoes inside messages."""
        with self._state.cond:
            return copy.deepcopy(self._chat.reply_keyboard)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's button presses, in answer order."""
        with self._state.cond:
            return [a for a in self._state.callback_answers if a.user_id == self.user_id]

    def wait_for_callback_answer(self, query_id: str | None = None, timeout: float = 10.0) -> CallbackAnswer:
        """Blocks until the bot answers ``query_id`` (default: this user's latest press)."""
        check, report = self._answer_check(query_id, timeout)
        return self._state.wait(check, timeout, report)

    async def wait_for_callback_answer_async(
        self, query_id: str | None = None, timeout: float = 10.0
    ) -> CallbackAnswer:
        """:meth:`wait_for_callback_answer` for tests whose own event loop runs the bot."""
        check, report = self._answer_check(query_id, timeout)
        return await self._state.wait_async(check, timeout, report)

    def _answer_check(
        self, query_id: str | None, timeout: float
    ) -> tuple[Callable[[], CallbackAnswer | None], Callable[[], str]]:
        wanted = query_id or self._last_query_id
        if wanted is None:
            raise AssertionError("no button was pressed yet, so there is no callback answer to wait for")

        def check() -> CallbackAnswer | None:
            return next((a for a in self._state.callback_answers if a.query_id == wanted), None)

        def report() -> str:
            return f"Timed out after {timeout}s waiting for answerCallbackQuery of query {wanted}"

        return check, report


class FakeGroup(ChatView):
    """A group or supergroup the bot is a member of; any :class:`FakeUser` can write in it."""

    def send_text(
        self, from_user: FakeUser, text: str, *, reply_to: int | JsonDict | None = None
    ) -> JsonDict:
        """Posts ``text`` as ``from_user``; in privacy mode only commands and replies to the bot
        reach the bot, as in Telegram. Returns the message either way; moves the cursor."""
        return self._send_text(from_user.user, text, reply_to)

    def press(self, from_user: FakeUser, button: str, message: int | JsonDict | None = None) -> str:
        """Like :meth:`FakeUser.press`, pressed by ``from_user`` in this group; wait for the
        bot's answer with ``from_user.wait_for_callback_answer(query_id)``."""
        return self._press(from_user.user, button, message)


_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class FakeBotApi:
    """The fake server plus the user side. Start it, point the bot at :attr:`base_url` and
    :attr:`base_file_url`, and drive conversations through :meth:`user` / :meth:`group`."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        username: str = "levelcheck_test_bot",
        first_name: str = "LevelCheck",
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        supports_inline_queries: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _TOKEN_RE.fullmatch(token):
            raise ValueError(f"not a Telegram bot token: {token!r}")
        me = {
            # Telegram bot ids are the digits before the colon of the token.
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": can_join_groups,
            "can_read_all_group_messages": can_read_all_group_messages,
            "supports_inline_queries": supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.token = token
        self._state = _BotApiState(token, me, clock)
        self._views: dict[int, ChatView] = {}
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._query_ids = itertools.count(1)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Serves on a background thread so neither sync nor async tests are blocked."""
        if self._server is not None:
            raise RuntimeError("FakeBotApi is already running")
        with self._state.cond:
            self._state.closing = False
        self._server = _HttpServer(self._state)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-bot-api",
            daemon=True,
        )
        self._thread.start()
        self._state.delivery.start()
        return self

    def stop(self) -> None:
        """Ends pending long polls at once (empty result) and shuts the server down."""
        if self._server is None:
            return
        self._state.delivery.stop()
        self._state.close()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``/``Bot(base_url=)``; PTB appends ``{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url()``; PTB appends ``{token}/{file_path}``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def env(self) -> dict[str, str]:
        """The environment variables the bot process reads to find this server."""
        return {"BOT_API_BASE_URL": self.base_url, "BOT_API_FILE_URL": self.base_file_url}

    @property
    def bot_user(self) -> JsonDict:
        """The bot's User object exactly as ``getMe`` returns it."""
        return copy.deepcopy(self._state.me)

    # -- server-wide failures -----------------------------------------------------------------

    def revoke_token(self) -> None:
        """As after /revoke in @BotFather: from now on every call (a pending long poll too) gets
        401 Unauthorized, which python-telegram-bot raises as ``InvalidToken``."""
        with self._state.cond:
            self._state.revoked = True
            self._state.cond.notify_all()

    def outage(self, down: bool = True) -> None:
        """While ``down``, every call (a pending long poll too) gets 502 Bad Gateway, as when
        Telegram's front answers for a failing backend; python-telegram-bot raises ``NetworkError``."""
        with self._state.cond:
            self._state.outage = down
            self._state.cond.notify_all()

    # -- webhook: Telegram's deliveries (tests/fakes/webhook_delivery.py) -----------------------

    def set_webhook(self, url: str, secret_token: str | None = None, **params: Any) -> ApiCall:
        """``setWebhook`` as the bot's operator would call it; returns the call (check ``.ok``)."""
        self._state.call("setWebhook", {"url": url, "secret_token": secret_token, **params})
        return self.requests[-1]

    def route_webhook(self, *urls: str) -> None:
        """A load balancer in front of the registered address: posts go to ``urls`` in turn (none:
        to the registered address itself)."""
        with self._state.cond:
            self._state.delivery.targets = list(urls) or None

    def webhook_faults(self, **faults: Any) -> None:
        """Network faults per acknowledged delivery, e.g. ``duplicate=0.3, stale=0.2, seed=7``
        (``WebhookFaults``: concurrent, duplicate, stale, lost_answer)."""
        with self._state.cond:
            self._state.delivery.faults = WebhookFaults(**faults)

    def webhook_retry(self, first_s: float, longest_s: float) -> None:
        """The pause before redelivering a failed update, doubling up to ``longest_s``."""
        with self._state.cond:
            self._state.delivery.retry_s, self._state.delivery.retry_max_s = first_s, longest_s

    def post_update(self, update: int | JsonDict, url: str | None = None, secret: str | None = None) -> int:
        """POSTs one update (by id: any update ever queued) right now, outside the queue, as a
        duplicate or out-of-order redelivery would arrive; returns the HTTP status (0: none).
        ``secret`` replaces the registered secret token (``""``: no header)."""
        with self._state.cond:
            config = self._state.webhook
            assert config is not None or url is not None, "no webhook set and no url given"
            if isinstance(update, int):
                update = copy.deepcopy(self._state.all_updates[update])
            config = copy.copy(config) if config is not None else WebhookConfig(str(url))
            if secret is not None:
                config.secret_token = secret or None
        return self._state.delivery.post(update, config, "manual", url)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook POST so far, in the order their answers came back."""
        with self._state.cond:
            return list(self._state.delivery.log)

    def wait_until_delivered(self, timeout: float = 10.0) -> None:
        """Blocks until no update is pending (every one acknowledged by a 2xx)."""
        self._state.wait(
            lambda: True if not self._state.updates else None,
            timeout,
            lambda: f"still pending after {timeout}s: {[u['update_id'] for u in self._state.updates]}",
        )

    # -- chats --------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """Returns the user with this id, creating it and its private chat on first use.

        Later calls return the same object (their other arguments are ignored), so every part
        of a test shares one read cursor per chat.
        """
        with self._state.cond:
            view = self._views.get(user_id)
            if view is not None:
                if not isinstance(view, FakeUser):
                    raise ValueError(f"chat {user_id} is a group, not a user")
                return view
            if user_id <= 0:
                raise ValueError("user ids are positive")
            optional = {"last_name": last_name, "username": username}
            user = {"id": user_id, "is_bot": False, "first_name": first_name}
            user.update({key: value for key, value in optional.items() if value is not None})
            if language_code is not None:
                user["language_code"] = language_code
            chat = {"id": user_id, "type": "private", "first_name": first_name}
            chat.update({key: value for key, value in optional.items() if value is not None})
            self._state.chats[user_id] = _Chat(info=chat)
            view = self._views[user_id] = FakeUser(self, user)
            return view

    def group(self, chat_id: int, title: str = "Test group", *, username: str | None = None) -> FakeGroup:
        """Returns the group with this id, creating it on first use; ids starting with -100 are
        supergroups, other negative ids basic groups, as in Telegram."""
        with self._state.cond:
            view = self._views.get(chat_id)
            if view is not None:
                if not isinstance(view, FakeGroup):
                    raise ValueError(f"chat {chat_id} is a private chat, not a group")
                return view
            if chat_id >= 0:
                raise ValueError("group chat ids are negative")
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat: JsonDict = {"id": chat_id, "type": kind, "title": title}
            if username is not None:
                chat["username"] = username
            self._state.chats[chat_id] = _Chat(info=chat, started=True)
            view = self._views[chat_id] = FakeGroup(self, chat_id)
            return view

    def _user_message(
        self, chat_id: int, sender: JsonDict, text: str, reply_to: int | JsonDict | None
    ) -> JsonDict:
        state = self._state
        with state.cond:
            chat = state.chats[chat_id]
            content: JsonDict = {"text": text}
            if command := _COMMAND_RE.match(text):
                content["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
                ]
            target = None
            if reply_to is not None:
                reply_id = reply_to if isinstance(reply_to, int) else int(reply_to["message_id"])
                if reply_id not in chat.messages:
                    raise AssertionError(f"cannot reply to message {reply_id}: it is not in chat {chat_id}")
                target = chat.messages[reply_id]
                content["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
            message = state.new_message(chat, sender, content)
            chat.started = True
            if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
            if self._delivered(chat, text, target, command):
                state.enqueue("message", message)
            return copy.deepcopy(message)

    def _delivered(
        self, chat: _Chat, text: str, target: JsonDict | None, command: re.Match[str] | None
    ) -> bool:
        """Privacy mode: in groups the bot only sees commands meant for it and replies to it."""
        if chat.info["type"] == "private" or self._state.me["can_read_all_group_messages"]:
            return True
        if target is not None and self._state.is_bot_message(target):
            return True
        if command is None:
            return False
        _, _, addressee = command.group().partition("@")
        return not addressee or addressee.lower() == str(self._state.me["username"]).lower()

    def _press(self, chat_id: int, sender: JsonDict, button: str, message: int | JsonDict | None) -> str:
        state = self._state
        with state.cond:
            chat = state.chats[chat_id]
            target = self._keyboard_message(chat, message)
            buttons = inline_buttons(target)
            match = next((b for b in buttons if b["text"] == button), None) or next(
                (b for b in buttons if b.get("callback_data") == button), None
            )
            if match is None:
                listing = [(b["text"], b.get("callback_data")) for b in buttons]
                raise AssertionError(
                    f"no inline button {button!r} on message #{target['message_id']} in chat {chat_id}; "
                    f"available (text, callback_data): {listing}"
                )
            if "callback_data" not in match:
                raise AssertionError(
                    f"button {match['text']!r} has no callback_data (it is a {match} button)"
                )
            query_id = str(4_000_000_000_000_000_000 + next(self._query_ids))
            query = {
                "id": query_id,
                "from": sender,
                "message": copy.deepcopy(target),
                # Stable per chat, opaque digits, like Telegram's global chat identifier.
                "chat_instance": str((chat_id * 1_000_003 + state.bot_user["id"]) % 2**63),
                "data": match["callback_data"],
            }
            chat.started = True
            state.callback_queries[query_id] = query
            state.enqueue("callback_query", query)
            return query_id

    def _keyboard_message(self, chat: _Chat, message: int | JsonDict | None) -> JsonDict:
        if message is not None:
            message_id = message if isinstance(message, int) else int(message["message_id"])
            if message_id not in chat.messages:
                raise AssertionError(f"message #{message_id} is not (or no longer) in chat {chat.info['id']}")
            return chat.messages[message_id]
        with_keyboard = [
            m for m in chat.messages.values() if self._state.is_bot_message(m) and inline_buttons(m)
        ]
        if not with_keyboard:
            raise AssertionError(f"no bot message with an inline keyboard in chat {chat.info['id']}")
        return max(with_keyboard, key=lambda m: m["message_id"])

    # -- request log --------------------------------------------------------------------------

    @property
    def requests(self) -> list[ApiCall]:
        """Every API call so far in arrival order; ``len(fake.requests)`` is a cursor for ``since``."""
        with self._state.cond:
            return list(self._state.calls)

    def calls(self, method: str) -> list[ApiCall]:
        """The calls of one method (case-insensitive), e.g. ``fake.calls("setMyCommands")``."""
        return [c for c in self.requests if c.method.lower() == method.lower()]

    def wait_for_call(
        self,
        method: str,
        timeout: float = 10.0,
        *,
        since: int = 0,
        predicate: Callable[[ApiCall], bool] | None = None,
    ) -> ApiCall:
        """Blocks until a finished call of ``method`` at log index >= ``since`` matches."""
        check, report = self._call_check(method, timeout, since, predicate)
        return self._state.wait(check, timeout, report)

    async def wait_for_call_async(
        self,
        method: str,
        timeout: float = 10.0,
        *,
        since: int = 0,
        predicate: Callable[[ApiCall], bool] | None = None,
    ) -> ApiCall:
        """:meth:`wait_for_call` for tests whose own event loop runs the bot."""
        check, report = self._call_check(method, timeout, since, predicate)
        return await self._state.wait_async(check, timeout, report)

    def _call_check(
        self, method: str, timeout: float, since: int, predicate: Callable[[ApiCall], bool] | None
    ) -> tuple[Callable[[], ApiCall | None], Callable[[], str]]:
        def check() -> ApiCall | None:
            for call in self._state.calls[since:]:
                if call.method.lower() == method.lower() and (predicate is None or predicate(call)):
                    return call
            return None

        def report() -> str:
            seen = sorted({c.method for c in self._state.calls[since:]})
            return f"Timed out after {timeout}s waiting for a {method} call; methods called: {seen}"

        return check, report

    # -- other inspection ---------------------------------------------------------------------

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The command list set for exactly this scope and language (as ``getMyCommands``)."""
        with self._state.cond:
            key = _BotApiState.commands_key({"scope": scope, "language_code": language_code})
            return copy.deepcopy(self._state.commands.get(key, []))

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates the bot has not confirmed yet (via a later ``getUpdates`` offset)."""
        with self._state.cond:
            return copy.deepcopy(self._state.updates)

    @property
    def internal_errors(self) -> list[str]:
        """Crashes inside the fake itself (answered with HTTP 500); should stay empty."""
        with self._state.cond:
            return list(self._state.internal_errors)
