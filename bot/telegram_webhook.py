"""Webhook mode's one ASGI app: Telegram's webhook, health, readiness, metrics and the web page.

- ``POST /telegram``: Telegram's delivery of one update. A request without the secret
  (``X-Telegram-Bot-Api-Secret-Token``, compared in constant time) gets 403 and nothing is read. The
  answer is sent only after the update was handled and its unit of work committed, so a process
  killed mid-way leaves the update unacknowledged and Telegram delivers it again; an update applied
  before is dropped (``bot.telegram_delivery``). 500 asks for a redelivery (the database or the Bot
  API failed on the way), 200 is everything else.
- ``GET /healthz``: the process serves requests (for a supervisor's liveness check).
- ``GET /readyz``: the database answers and its schema is at the revision this code expects (for a
  load balancer: a replica that cannot apply updates gets none).
- ``GET /metrics``: ``bot.metrics`` in Prometheus' text format.
- anything else: the web page (``bot.web``), when it is configured.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp
from telegram import Update

from bot import metrics
from bot.storage import head_revision
from bot.telegram_delivery import ExactlyOnceApplication, Outcome

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's updates are a few kilobytes; anything far larger is not one.
MAX_BODY_BYTES = 1 << 20
READY_TIMEOUT_S = 5.0


def create_webhook_app(
    application: ExactlyOnceApplication, engine: AsyncEngine, secret: str, web: ASGIApp | None = None
) -> Starlette:
    """The app for ``application`` (initialized, its runtime open) on the database of ``engine``."""
    expected = secret.encode()
    head = head_revision()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not secrets.compare_digest(given, expected):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return Response(status_code=400)
        outcome = await application.process_update_once(update)
        return Response(status_code=500 if outcome is Outcome.RETRY else 200)

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok\n")

    async def readyz(_request: Request) -> Response:
        problem = await _not_ready(engine, head)
        if problem is not None:
            return PlainTextResponse(f"not ready: {problem}\n", status_code=503)
        return PlainTextResponse("ready\n")

    async def metrics_page(_request: Request) -> Response:
        return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)

    routes: list[BaseRoute] = [
        Route(WEBHOOK_PATH, webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
    ]
    if web is not None:
        routes.append(Mount("/", app=web))
    return Starlette(routes=routes)


async def _not_ready(engine: AsyncEngine, head: str) -> str | None:
    """Why this replica cannot apply updates now, or None. Never the URL: it may carry a password."""
    revision: str | None = None
    try:
        async with asyncio.timeout(READY_TIMEOUT_S), engine.connect() as connection:
            await connection.scalar(text("SELECT 1"))
            try:
                revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            except DBAPIError:  # no such table: never migrated
                revision = None
    except Exception as exc:  # unreachable, refused, timed out: not ready, whatever the cause
        log.debug("readiness check failed: %s", type(exc).__name__)
        return f"the database does not answer ({type(exc).__name__})"
    if revision != head:
        return f"the database is at revision {revision}, this code expects {head}"
    return None
