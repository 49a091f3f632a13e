"""The Bot API's HTTP client (``bot.telegram_http``) fails the way python-telegram-bot's own does:
``TimedOut`` for a silent server, ``NetworkError`` for a refused connection, so the error handling, the
rate limiter's retries and the poller's outage messages see what they expect."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass

import pytest
from telegram.error import NetworkError, TimedOut

from bot.telegram_http import AiohttpRequest


async def test_a_server_that_never_answers_is_timed_out() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # keeps the connection open and says nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/botX/getMe", "POST")
    finally:
        await request.shutdown()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"http://127.0.0.1:{port}/botX/getMe", "POST")
        assert not isinstance(caught.value, TimedOut)
    finally:
        await request.shutdown()


async def test_it_must_be_initialized_and_shuts_down_twice_harmlessly() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/botX/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()


@dataclass(frozen=True)
class _Received:
    line: str  # the request line
    headers: dict[str, str]  # lower-cased names
    body: bytes


async def _recording_server(
    received: list[_Received], answer: bytes = b'{"ok":true,"result":true}'
) -> asyncio.Server:
    """A loopback HTTP server that records each request and gives each the same ``answer``."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        line, *fields = head.rstrip("\r\n").split("\r\n")
        headers = {name.lower(): value for name, value in (f.split(": ", 1) for f in fields)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        received.append(_Received(line, headers, body))
        writer.write(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer)
        )
        await writer.drain()
        writer.close()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def test_the_environments_proxy_carries_every_call_and_no_proxy_bypasses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTP_PROXY/NO_PROXY apply as they did through httpx (read once per origin). The proxied host
    is never resolved here (the proxy would), so nothing leaves the loopback."""
    received: list[_Received] = []
    server = await _recording_server(received)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.setenv("NO_PROXY", "localhost")
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest(read_timeout=2, connect_timeout=2)
    await request.initialize()
    try:
        for _ in range(2):
            status, body = await request.do_request("http://api.telegram.invalid/botX/getMe", "POST")
            assert (status, body) == (200, b'{"ok":true,"result":true}')
        assert [r.line for r in received] == ["POST http://api.telegram.invalid/botX/getMe HTTP/1.1"] * 2
        with socket.socket() as probe:  # a port nothing listens on, on a host NO_PROXY names
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        with pytest.raises(NetworkError):  # refused directly: the proxy was not asked
            await request.do_request(f"http://localhost:{closed}/botX/getMe", "POST")
        assert len(received) == 2
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()


async def test_parameters_go_as_json_and_files_as_a_multipart_form() -> None:
    """JSON is what the Bot API's other accepted encoding costs least to produce; a file still needs
    a form. Japanese text arrives intact either way."""
    from telegram import InputFile
    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    received: list[_Received] = []
    listening = await _recording_server(received)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}/botX/sendMessage"
    request = AiohttpRequest()
    await request.initialize()
    try:
        text = RequestParameter.from_input("text", "こんにちは")
        chat = RequestParameter.from_input("chat_id", 42)
        await request.do_request(url, "POST", RequestData([chat, text]))
        photo = RequestParameter.from_input("photo", InputFile(b"\xff\xd8image", filename="card.jpg"))
        await request.do_request(url, "POST", RequestData([chat, photo]))
    finally:
        await request.shutdown()
        listening.close()
        await listening.wait_closed()
    (json_type, json_body), (form_type, form_body) = ((r.headers["content-type"], r.body) for r in received)
    assert json_type == "application/json"
    assert json.loads(json_body) == {"chat_id": "42", "text": "こんにちは"}
    assert form_type.startswith("multipart/form-data; boundary=")
    assert b"\xff\xd8image" in form_body and b'name="chat_id"' in form_body


async def test_a_sent_message_comes_back_without_its_keyboard_and_an_update_with_it() -> None:
    """The bot never reads back the keyboard it just sent (parsing it was most of a send's cost);
    the keyboard of a message in an update is read (a pressed result keeps its buttons)."""
    keyboard = {"inline_keyboard": [[{"text": "はい", "callback_data": "7:3:o0"}]]}
    message = {"message_id": 5, "date": 1, "chat": {"id": 42, "type": "private"}, "reply_markup": keyboard}
    received: list[_Received] = []
    answer = json.dumps({"ok": True, "result": message}).encode()
    sending = await _recording_server(received, answer)
    updates = json.dumps({"ok": True, "result": [{"update_id": 1, "callback_query": {"message": message}}]})
    polling = await _recording_server(received, updates.encode())
    request = AiohttpRequest()
    await request.initialize()
    try:
        for method in ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto"):
            sent = await request.post(f"http://127.0.0.1:{sending.sockets[0].getsockname()[1]}/botX/{method}")
            assert isinstance(sent, dict) and sent["message_id"] == 5 and "reply_markup" not in sent, method
        got = await request.post(f"http://127.0.0.1:{polling.sockets[0].getsockname()[1]}/botX/getUpdates")
        assert isinstance(got, list) and got[0]["callback_query"]["message"]["reply_markup"] == keyboard
        other = await request.post(
            f"http://127.0.0.1:{sending.sockets[0].getsockname()[1]}/botX/forwardMessage"
        )
        assert isinstance(other, dict) and other["reply_markup"] == keyboard  # only the listed methods
    finally:
        await request.shutdown()
        for server in (sending, polling):
            server.close()
            await server.wait_closed()
