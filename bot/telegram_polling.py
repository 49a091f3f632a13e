"""Polling mode: one process long-polls getUpdates and says once, clearly, what stops it.

Kept apart from the handlers (``bot.telegram_bot``): how updates arrive (polling here, a webhook
later) is not what the bot does with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import (
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application

from bot import event_loop
from bot.config import Settings
from bot.process_signals import stop_on_signals
from bot.telegram_bot import BotState, build_application

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1  # stopped by something a restart may cure (another poller, a revoked token, no network)
EXIT_TOKEN_REJECTED = 2  # as for a malformed setting: BOT_TOKEN is wrong, restarting changes nothing
POLL_TIMEOUT = timedelta(seconds=10)  # how long one getUpdates waits for news (python-telegram-bot's)
RETRY_MAX_S = 30.0  # the longest wait between two getUpdates after failures
CONFLICT_WINDOW_S = 60.0  # a second 409 this soon after the first means another poller, not a one-off


class Poller:
    """Long-polls getUpdates into the application's update queue and says once what goes wrong.

    python-telegram-bot's own polling loop hands every polling error to the error handler (so two
    pollers logged "update failed: Conflict" forever, an outage one error per retry), and a token
    revoked while running ends its loop silently while the process lives on without polling, which
    ``Restart=on-failure`` never notices. Here:

    - a token Telegram no longer accepts (401/404, or 403) stops the process, non-zero;
    - Telegram's 409 Conflict twice within a minute means another process polls with this token:
      polling mode is one process, so this one says so and stops (a single 409, e.g. an operator's
      one-off getUpdates, is survived); a webhook set meanwhile stops it at once;
    - network errors and timeouts are an outage: one WARNING when it begins, one INFO when the Bot
      API answers again, retries with a growing pause in between.
    """

    def __init__(self, app: Application[Any, Any, Any, Any, BotState, Any], stop: asyncio.Event) -> None:
        self.app = app
        self.stop = stop
        self.exit_code = EXIT_OK
        self.offset: int | None = None
        self._outage_since: float | None = None
        self._last_conflict: float | None = None

    async def run(self) -> None:
        """Polls until ``stop`` is set (by a signal, or by ``_fatal``); never raises."""
        pause = 0.0
        while not self.stop.is_set():
            try:
                updates = await self.app.bot.get_updates(
                    offset=self.offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
                )
            except (InvalidToken, Forbidden) as exc:
                self._fatal(
                    "Telegram no longer accepts the bot token (%s from getUpdates): it was revoked or "
                    "changed; stopping",
                    type(exc).__name__,
                )
                return
            except Conflict as exc:
                if self._conflict(exc):
                    return
                pause = 1.0
            except RetryAfter as exc:
                pause = _retry_after_s(exc)
                log.warning("Telegram asked to wait %.0f s before polling again", pause)
            except NetworkError as exc:  # TimedOut, a 5xx of the Bot API, a refused connection
                self._unreachable(exc)
                pause = min(RETRY_MAX_S, max(1.0, pause * 2))
            except Exception as exc:  # a bad answer or a bug: logged, and polling goes on
                log.error("polling failed: %s", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
                pause = min(RETRY_MAX_S, max(1.0, pause * 2))
            else:
                self._reachable()
                pause = 0.0
                for update in updates:
                    self.app.update_queue.put_nowait(update)
                if updates:
                    self.offset = updates[-1].update_id + 1  # confirms them with the next getUpdates
                    await self._until_drained()
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), pause)

    async def _until_drained(self) -> None:
        """Waits (or for ``stop``) until the batch just queued is being handled to its last update
        (``ExactlyOnceApplication.drained``): polling meanwhile would fetch a few updates at a time.
        Where updates are handled side by side (``bot.telegram_order``), it also waits for a free
        place among them, so a burst waits at Telegram rather than in this process."""
        drained = getattr(self.app, "drained", None)
        if not isinstance(drained, asyncio.Event):
            return
        drained.clear()
        if not self.app.update_queue.empty():
            await self._until(drained)
        else:
            drained.set()
        finished = getattr(self.app, "finished", None)
        while isinstance(finished, asyncio.Event) and not self.stop.is_set():
            processor = self.app.update_processor
            if processor.current_concurrent_updates < processor.max_concurrent_updates:
                return
            finished.clear()
            await self._until(finished)

    async def _until(self, event: asyncio.Event) -> None:
        """Until ``event`` is set or the poller is told to stop."""
        waits = [asyncio.ensure_future(event.wait()), asyncio.ensure_future(self.stop.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def confirm(self) -> None:
        """After a clean stop: one short getUpdates confirms the updates handled since the last poll,
        so the next start does not receive them again."""
        if self.offset is None:
            return
        try:
            await self.app.bot.get_updates(offset=self.offset, timeout=timedelta(0))
        except TelegramError as exc:
            log.warning("could not confirm the last updates to Telegram (%s)", type(exc).__name__)

    def _fatal(self, message: str, *args: object) -> None:
        log.error(message, *args)
        self.exit_code = EXIT_FAILURE
        self.stop.set()

    def _conflict(self, error: Conflict) -> bool:
        """True when this process must stop: a webhook is set, or another poller keeps polling."""
        if "webhook" in error.message.lower():
            self._fatal("a webhook was set for this bot, so it cannot poll for updates; stopping")
            return True
        now = time.monotonic()
        again = self._last_conflict is not None and now - self._last_conflict < CONFLICT_WINDOW_S
        self._last_conflict = now
        if again:
            self._fatal(
                "another process is polling Telegram with this bot token (409 Conflict); polling mode "
                "runs as one process only, so this one stops"
            )
            return True
        log.debug("getUpdates was interrupted by another one (409 Conflict); polling again")
        return False

    def _unreachable(self, error: NetworkError) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.warning(
                "the Bot API does not answer (%s: %s); polling again until it does",
                type(error).__name__,
                error.message,
            )
        else:
            log.debug("the Bot API still does not answer (%s)", type(error).__name__)

    def _reachable(self) -> None:
        if self._outage_since is not None:
            log.info("the Bot API answers again after %.0f s", time.monotonic() - self._outage_since)
            self._outage_since = None


def _retry_after_s(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # python-telegram-bot warns that it may become a timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def run_telegram(settings: Settings) -> int:
    """Runs the bot by long polling until SIGTERM or SIGINT (exit code 0) or until it cannot go on:
    a rejected token, another poller, a revoked token (non-zero, after one clear log line)."""
    app = build_application(settings)
    return event_loop.run(serve(app))


async def serve(app: Application[Any, Any, Any, Any, BotState, Any]) -> int:
    """``run_telegram`` inside an event loop; SIGTERM and SIGINT stop it gracefully, without a trace.

    python-telegram-bot's ``run_polling`` is not used: it logs a rejected token with a traceback (the
    token inside), hides a polling loop that died, and turns a signal during start-up into a
    ``SystemExit`` thrown through whatever was running (the migrations, say).
    """
    stop = asyncio.Event()
    with stop_on_signals(stop):
        return await _serve(app, stop)


async def _serve(app: Application[Any, Any, Any, Any, BotState, Any], stop: asyncio.Event) -> int:
    try:
        stopped = await start_or_exit(app, stop, log, then=_drop_webhook)
        if stopped is not None:
            return stopped
        poller = Poller(app, stop)
        await app.start()
        polling = asyncio.create_task(poller.run(), name="levelcheck:polling")
        await stop.wait()
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await app.stop()  # handles the updates already fetched
        if poller.exit_code == EXIT_OK:
            await poller.confirm()
        return poller.exit_code
    finally:
        await stop_application(app)


async def _drop_webhook(app: Application[Any, Any, Any, Any, BotState, Any]) -> None:
    await app.bot.delete_webhook()  # a webhook left behind would refuse every getUpdates


async def start_or_exit(
    app: Application[Any, Any, Any, Any, BotState, Any],
    stop: asyncio.Event,
    logger: logging.Logger,
    *,
    then: Callable[[Application[Any, Any, Any, Any, BotState, Any]], Awaitable[None]] | None = None,
) -> int | None:
    """The start both modes share: getMe (the first time Telegram sees the token), ``post_init`` (the
    database and its migrations, the command menus), then ``then``. What stops it is said in one line
    on ``logger`` and returned as the exit code; None: started, and no signal came meanwhile."""
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        if stop.is_set():  # a signal during start-up: stop before serving anyone
            return EXIT_OK
        if then is not None:
            await then(app)
    except (InvalidToken, Forbidden) as exc:
        logger.error(
            "Telegram rejected the bot token (%s): check BOT_TOKEN (and BOT_API_BASE_URL, if set); stopping",
            type(exc).__name__,
        )
        return EXIT_TOKEN_REJECTED
    except NetworkError as exc:  # TimedOut too
        if stop.is_set():  # told to stop while waiting for an unreachable Bot API: as asked
            return EXIT_OK
        logger.error("cannot reach the Bot API at start (%s); stopping", type(exc).__name__)
        return EXIT_FAILURE
    except TelegramError as exc:
        logger.error("the Bot API refused a start-up call (%s); stopping", type(exc).__name__)
        return EXIT_FAILURE
    # What exists now (modules, the standards, fonts, the ORM's and python-telegram-bot's machinery)
    # lives as long as the process. Frozen, the collector's full passes no longer walk it: measured
    # under load before, they took 80 ms each (a pause for everyone) and 2.5% of the bot's CPU.
    gc.freeze()
    return None


async def stop_application(app: Application[Any, Any, Any, Any, BotState, Any]) -> None:
    """Stops what started, whatever stopped the process: python-telegram-bot's own shutdown, then
    ours (the web page, the database, the HTTP sessions — even after a start that failed)."""
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
