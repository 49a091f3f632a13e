"""``python -m bot``: the Telegram bot when BOT_TOKEN is set, else the same interview in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.storage import StorageError


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="levelcheck: the Telegram bot with BOT_TOKEN set, else the interview in this terminal.",
    )
    parser.add_argument(
        "--lang",
        metavar="CODE",
        help="terminal: take the assessment in this language (en, ja); default: as before, else LANG",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"levelcheck: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(settings, args.lang)
    except (OSError, SQLAlchemyError, StorageError) as exc:
        # Not the URL itself: it may carry a password.
        print(
            f"levelcheck: cannot open the database named by DATABASE_URL ({type(exc).__name__})",
            file=sys.stderr,
        )
        return 1


def _run(settings: Settings, language: str | None = None) -> int:
    if settings.bot_token is None:
        configure_logging("WARNING" if settings.log_level in ("INFO", "DEBUG") else settings.log_level)
        from bot.app import open_runtime
        from bot.terminal import run_terminal

        async def terminal() -> int:
            runtime = await open_runtime(settings.database_url, settings.standard_set())
            try:
                return await run_terminal(runtime.service, language)
            finally:
                await runtime.close()

        try:
            return asyncio.run(terminal())
        except KeyboardInterrupt:
            print("\nYour answers are saved. Run levelcheck again to resume.")
            return 0
    configure_logging(settings.log_level)
    from bot.telegram_bot import run_telegram

    return run_telegram(settings)


if __name__ == "__main__":
    sys.exit(main())
