"""The yardstick of ``bench/bench_load.py``: a bare python-telegram-bot 22 echo bot.

It does the least a Telegram bot can do with an update — a text comes back as the same text, a button
press is answered (``answerCallbackQuery``) — so what levelcheck spends beyond it under the same load is
levelcheck's own cost (storage, dialogue, rendering), not the framework's, the HTTP client's or the
emulator's. It runs the way levelcheck runs: PTB's defaults (updates handled one after the other in
polling mode), and in webhook mode an ASGI app on uvicorn that answers Telegram's POST only after the
update was handled, as ``bot.telegram_webhook`` does.

Settings (environment): ``BOT_TOKEN``, ``BOT_API_BASE_URL``, ``BOT_API_FILE_URL``, ``MODE``
(``polling``/``webhook``), ``ECHO_HTTP`` (``aiohttp``: levelcheck's HTTP client instead of PTB's
default httpx), and for webhook mode ``WEBHOOK_SECRET``, ``LISTEN_HOST``, ``LISTEN_PORT``.
It logs ``echo bot ready`` once it takes updates, and stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import sys
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

log = logging.getLogger("echo_bot")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()


def build(env: dict[str, str]) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = ApplicationBuilder().token(env["BOT_TOKEN"])
    if env.get("BOT_API_BASE_URL"):
        builder = builder.base_url(env["BOT_API_BASE_URL"])
    if env.get("BOT_API_FILE_URL"):
        builder = builder.base_file_url(env["BOT_API_FILE_URL"])
    if env.get("MODE") == "webhook":
        builder = builder.updater(None)
    if env.get("ECHO_HTTP") == "aiohttp":  # levelcheck's HTTP client, to compare like with like
        from bot.telegram_http import AiohttpRequest

        builder = builder.request(AiohttpRequest())
        builder = builder.get_updates_request(AiohttpRequest(connection_pool_size=1))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(answer))
    return app


def webhook_app(app: Application[Any, Any, Any, Any, Any, Any], secret: str) -> Starlette:
    expected = secret.encode()

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not secrets.compare_digest(given, expected):
            return Response(status_code=403)
        update = Update.de_json(json.loads(await request.body()), app.bot)
        await app.process_update(update)  # answered once handled, as levelcheck's webhook does
        return Response(status_code=200)

    return Starlette(routes=[Route("/telegram", telegram, methods=["POST"])])


async def serve(env: dict[str, str]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    app = build(env)
    async with app:
        server: uvicorn.Server | None = None
        task: asyncio.Task[None] | None = None
        if app.updater is not None:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        else:
            config = uvicorn.Config(
                webhook_app(app, env["WEBHOOK_SECRET"]),
                host=env.get("LISTEN_HOST", "127.0.0.1"),
                port=int(env["LISTEN_PORT"]),
                lifespan="off",
                log_config=None,
                access_log=False,
                server_header=False,
            )
            server = uvicorn.Server(config)
            task = loop.create_task(server.serve())
            while not server.started:
                if task.done():
                    return 1
                await asyncio.sleep(0.01)
        await app.start()
        log.info("echo bot ready")
        await stop.wait()
        if server is not None and task is not None:
            server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        await app.stop()
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would cost the bot CPU
    return asyncio.run(serve(dict(os.environ)))


if __name__ == "__main__":
    sys.exit(main())
