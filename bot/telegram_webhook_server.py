"""Webhook mode's process: python-telegram-bot without its updater, behind uvicorn on LISTEN_HOST:LISTEN_PORT.

Starting never calls ``setWebhook`` (nor ``deleteWebhook``): with several replicas behind one URL,
each start would re-register it and a rolling deploy would race itself. Registering is an explicit
command (``python -m bot set-webhook``, ``bot.telegram_webhook_commands``).

Stopping (SIGTERM, SIGINT) closes the listening socket first and lets the requests in flight finish,
so an update being handled is answered (and acknowledged) only once it committed; one cut off by a
harder stop is delivered again by Telegram. Exit codes are polling mode's (``bot.telegram_polling``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.ext import Application

from bot import event_loop
from bot.config import Settings
from bot.process_signals import stop_on_signals
from bot.telegram_bot import BotState, build_application
from bot.telegram_delivery import ExactlyOnceApplication
from bot.telegram_polling import EXIT_FAILURE, EXIT_OK, start_or_exit, stop_application
from bot.telegram_webhook import create_webhook_app
from bot.web import create_web_app, serve_web

log = logging.getLogger(__name__)


def run_webhook(settings: Settings) -> int:
    """Serves the webhook until SIGTERM or SIGINT (0), or says in one line why it cannot (non-zero)."""
    return event_loop.run(serve(build_application(settings), settings))


async def serve(app: Application[Any, Any, Any, Any, BotState, Any], settings: Settings) -> int:
    stop = asyncio.Event()
    with stop_on_signals(stop):
        return await _serve(app, settings, stop)


async def _serve(
    app: Application[Any, Any, Any, Any, BotState, Any], settings: Settings, stop: asyncio.Event
) -> int:
    assert isinstance(app, ExactlyOnceApplication) and settings.webhook_secret is not None
    try:
        stopped = await start_or_exit(app, stop, log)
        if stopped is not None:
            return stopped
        runtime = app.bot_data.runtime
        assert runtime is not None
        web = create_web_app(runtime, settings) if settings.web_enabled else None
        asgi = create_webhook_app(app, runtime.engine, settings.webhook_secret.get_secret_value(), web)
        try:
            server = await serve_web(asgi, settings.listen_host, settings.listen_port)
        except OSError as exc:
            log.error(
                "cannot listen on %s:%s (%s); stopping",
                settings.listen_host,
                settings.listen_port,
                exc.strerror or type(exc).__name__,
            )
            return EXIT_FAILURE
        await app.start()  # the job queue (notifications, clean-up); no updater in webhook mode
        log.info("serving the webhook on %s:%s", server.host, server.port)
        await stop.wait()
        await server.stop()  # stops accepting, finishes the requests in flight
        return EXIT_OK
    finally:
        await stop_application(app)
