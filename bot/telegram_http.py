"""The Bot API's HTTP client: python-telegram-bot's request interface on aiohttp instead of httpx.

Every reply costs the bot one to three Bot API calls, and the HTTP client was the largest single part
of that: measured on the development machine against the tests' fake Bot API (keep-alive, loopback),
one form-encoded POST with its JSON answer takes 0.60 ms of CPU through httpx and 0.19 ms through
aiohttp — at about 2.5 calls per update, a millisecond per update. python-telegram-bot takes any
``BaseRequest`` for this (``ApplicationBuilder.request``); what it needs from one is small: send the
method's parameters (as JSON, or a multipart form with files), return the status and the body, and
raise ``TimedOut`` / ``NetworkError`` the way its own ``HTTPXRequest`` does, so its error handling,
the rate limiter's retries and ours see the same exceptions.

An egress proxy comes from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``), as it
did through httpx; it is looked up once per Bot API origin. (aiohttp's ``trust_env`` would look it
up again on every request, in a worker thread: a thread hop per call, for a setting read at start.)

A message the bot sends or edits comes back from Telegram whole, its keyboard included, and
python-telegram-bot turns all of it into objects; the keyboard is the one the bot just sent, which
nothing reads back, and it was most of that work (0.36 ms to parse a question with seven buttons,
0.15 ms without them). So the answers of the methods in ``KEYBOARD_NOT_READ`` come without it:
``reply_markup`` of the ``Message`` they return is None. Updates keep theirs (a pressed message's
keyboard is read).

Timeouts keep python-telegram-bot's meaning where aiohttp has one: ``connect`` (with the pool wait)
and ``read``; aiohttp has no write timeout, which the operating system's send buffer bounds anyway.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

#: Bot API methods whose answer is a message the bot sent with a keyboard it already has.
KEYBOARD_NOT_READ = (
    "/sendMessage",
    "/sendPhoto",
    "/sendDocument",
    "/editMessageText",
    "/editMessageCaption",
    "/editMessageReplyMarkup",
)

#: (proxy, its credentials) for one origin; (None, None) when the origin is reached directly.
Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


class AiohttpRequest(BaseRequest):
    """One pooled aiohttp session; defaults as ``ApplicationBuilder`` gives ``HTTPXRequest``."""

    __slots__ = ("_connect_timeout", "_pool_size", "_pool_timeout", "_proxies", "_read_timeout", "_session")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )
            self._proxies.clear()  # a new session reads the environment again

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def post(
        self,
        url: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> JSONDict | list[JSONDict] | bool:
        """As ``BaseRequest.post``; a sent message's keyboard is dropped (see ``KEYBOARD_NOT_READ``)."""
        result = await super().post(
            url, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if isinstance(result, dict) and url.endswith(KEYBOARD_NOT_READ):
            result.pop("reply_markup", None)
        return result

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        waiting = None if connect is None or pool is None else connect + pool
        timeout = aiohttp.ClientTimeout(total=None, connect=waiting, sock_connect=connect, sock_read=read)
        proxy, proxy_auth = self._proxy(url)
        data, headers = _body(request_data)
        try:
            async with self._session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are asyncio's (TimeoutError since 3.11)
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _proxy(self, url: str) -> Proxy:
        path = url.find("/", url.find("//") + 2)
        origin = url if path < 0 else url[:path]
        found = self._proxies.get(origin)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(origin))
            except LookupError:  # no proxy for this scheme, or NO_PROXY names the host
                found = (None, None)
            self._proxies[origin] = found
        return found


_JSON = {"Content-Type": "application/json"}


def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str] | None]:
    """The parameters as a JSON body, or a multipart form when files go with them (a card, a PDF).

    The Bot API takes either; JSON is encoded in C, where a form's percent-encoding of every
    non-ASCII character (Japanese text, a keyboard's JSON) runs in Python, character by character.
    """
    if request_data is None:
        return None, None
    files = request_data.multipart_data
    if not files:
        return request_data.json_payload, _JSON
    parameters = request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename or name, content_type=mimetype)
    return form, None


__all__ = ["KEYBOARD_NOT_READ", "AiohttpRequest"]
