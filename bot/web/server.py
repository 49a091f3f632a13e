"""The web page served inside the bot's own process and event loop.

uvicorn normally owns the process: it installs signal handlers and exits on a port it cannot bind.
Here the Telegram front owns both, so the socket is bound first (a taken port fails the start with
an ``OSError`` the bot can name) and uvicorn's signal handling is switched off: SIGTERM stops the
bot, whose shutdown then stops this server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the bot's process handles signals and stops us on its way out


class WebServer:
    """A running web page; ``stop()`` closes its connections and waits for it to finish."""

    def __init__(self, server: uvicorn.Server, task: asyncio.Task[None], sock: socket.socket) -> None:
        self._server = server
        self._task = task
        self._socket = sock
        self.host, self.port = sock.getsockname()[:2]

    @property
    def running(self) -> bool:
        return not self._task.done()

    async def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._server.force_exit = True
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout)
        finally:
            self._socket.close()


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


async def serve_web(app: ASGIApp, host: str, port: int) -> WebServer:
    """Start serving ``app`` on ``host``:``port`` (0: any free port) in the running event loop.

    Returns once the server accepts connections; raises ``OSError`` if the address cannot be used.
    """
    sock = _bind(host, port)
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,  # the bot configured logging (and its masks) already
        access_log=False,  # request lines would carry one-time sign-in tokens
        server_header=False,
    )
    server = _EmbeddedServer(config)
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]), name="levelcheck-web")
    while not server.started:
        if task.done():
            sock.close()
            error = task.exception()
            raise OSError(f"the web page could not start on {host}:{port}") from error
        await asyncio.sleep(0.01)  # startup is a few loop iterations; nothing to wait on but the flag
    web = WebServer(server, task, sock)
    log.info("web page listening on %s:%s", web.host, web.port)
    return web
