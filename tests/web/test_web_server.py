"""The embedded server: starts in the running loop on a free port, answers, stops cleanly; a port
already taken fails the start with an OSError instead of exiting the process (as uvicorn would)."""

from __future__ import annotations

import signal
import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.web import serve_web


def _app() -> Starlette:
    async def hello(_request: object) -> PlainTextResponse:
        return PlainTextResponse("hello")

    return Starlette(routes=[Route("/", hello)])


async def test_it_serves_and_stops_without_touching_signal_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    web = await serve_web(_app(), "127.0.0.1", 0)
    assert web.running and web.port > 0
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{web.port}/")
    assert response.text == "hello" and "server" not in response.headers
    assert signal.getsignal(signal.SIGTERM) is before
    await web.stop()
    assert not web.running
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{web.port}/")


async def test_a_taken_port_is_an_os_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        with pytest.raises(OSError):
            await serve_web(_app(), "127.0.0.1", taken.getsockname()[1])
