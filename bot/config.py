"""Settings from the environment (and a ``.env`` file); secrets never come from anywhere else.

A missing or malformed setting stops the start with one line naming it, because a bot that
starts half-configured fails later in a place that is much harder to read.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.log_safety import install_token_mask
from criteria import StandardError, StandardSet, load_standard

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as a secret_token
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """One line naming the setting that is wrong."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, validation_alias="BOT_TOKEN")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(default=(), validation_alias="ADMIN_IDS")
    bot_api_base_url: str | None = Field(default=None, validation_alias="BOT_API_BASE_URL")
    bot_api_file_url: str | None = Field(default=None, validation_alias="BOT_API_FILE_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    #: ``text`` lines for people and journald, or ``json`` (one object a line) for a log collector.
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="LOG_FORMAT")
    #: Packaged standard ids or standard files offered for new assessments; the first is the default.
    standards: Annotated[tuple[str, ...], NoDecode] = Field(default=(), validation_alias="STANDARDS")
    #: Who may create teams: anyone, or only people an admin granted it to (``/grant``).
    team_creation: Literal["anyone", "granted"] = Field(default="anyone", validation_alias="TEAM_CREATION")
    #: How long a new invitation link admits people unless its lead chooses otherwise.
    invitation_days: int = Field(default=30, ge=1, le=3650, validation_alias="INVITATION_DAYS")
    #: Members who started but did not finish get one reminder this long after starting (0: never).
    reminder_hours: float = Field(default=72, ge=0, le=24 * 365, validation_alias="REMINDER_AFTER_HOURS")
    #: Someone who opened the bot but never agreed to anything is forgotten after this long.
    pre_consent_hours: float = Field(default=24, gt=0, le=24 * 30, validation_alias="PRE_CONSENT_HOURS")
    #: Unfinished interviews idle this long are deleted with their transcript (0: kept).
    retain_unfinished_days: int = Field(default=180, ge=0, validation_alias="RETAIN_UNFINISHED_DAYS")
    #: Transcripts of finished interviews older than this are deleted; the result stays (0: kept).
    retain_transcripts_days: int = Field(default=0, ge=0, validation_alias="RETAIN_TRANSCRIPTS_DAYS")
    #: How often the bot sends due notifications and runs the clean-up.
    jobs_interval_seconds: float = Field(
        default=60, ge=0.05, le=3600, validation_alias="JOBS_INTERVAL_SECONDS"
    )
    #: The web page is served only when a port is set.
    web_host: str = Field(default="127.0.0.1", validation_alias="WEB_HOST")
    web_port: int | None = Field(default=None, ge=1, le=65535, validation_alias="WEB_PORT")
    #: The page's address as people's browsers reach it (a proxy in front may terminate HTTPS).
    web_base_url: str | None = Field(default=None, validation_alias="WEB_BASE_URL")
    #: Signs the session cookies; required with ``WEB_PORT`` (at least 32 characters).
    web_secret: SecretStr | None = Field(default=None, validation_alias="WEB_SECRET")
    #: How updates arrive: long polling (one process) or Telegram's webhook (any number of replicas).
    mode: Literal["polling", "webhook"] = Field(default="polling", validation_alias="MODE")
    #: The public HTTPS address Telegram posts updates to (``python -m bot set-webhook`` registers it).
    webhook_url: str | None = Field(default=None, validation_alias="WEBHOOK_URL")
    #: Telegram sends it in every webhook request; anything else is refused (required in webhook mode).
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="WEBHOOK_SECRET")
    #: Where the webhook's HTTP server (webhook, health, metrics, web page) listens.
    listen_host: str = Field(default="127.0.0.1", validation_alias="LISTEN_HOST")
    listen_port: int = Field(default=8443, ge=1, le=65535, validation_alias="LISTEN_PORT")
    #: Messages per second Telegram lets the bot token send in all (its documented ~30), and how many
    #: bot processes share the token: each sends at most SEND_RATE_PER_SECOND / REPLICAS.
    send_rate_per_second: float = Field(default=30, gt=0, le=1000, validation_alias="SEND_RATE_PER_SECOND")
    replicas: int = Field(default=1, ge=1, le=1000, validation_alias="REPLICAS")
    #: Messages one person may send per window before the bot falls silent for them (0 = no limit).
    person_update_limit: int = Field(default=20, ge=0, validation_alias="PERSON_UPDATE_LIMIT")
    person_update_window: float = Field(
        default=10, gt=0, le=3600, validation_alias="PERSON_UPDATE_WINDOW_SECONDS"
    )

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not _TOKEN.match(value.strip()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters)")
        return value.strip()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be comma-separated Telegram user ids (whole numbers)")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("standards", mode="before")
    @classmethod
    def _standards(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        references = tuple(p.strip() for p in value.split(",") if p.strip())
        ids = []
        for reference in references:
            try:
                ids.append(load_standard(reference).id)
            except StandardError as exc:
                raise ValueError(f"cannot offer {reference!r}: {exc}") from None
        if len(set(ids)) != len(ids):
            raise ValueError("names the same standard twice")
        return references

    def standard_set(self) -> StandardSet:
        return StandardSet.from_references(self.standards)

    @field_validator(
        "database_url",
        "bot_api_base_url",
        "bot_api_file_url",
        "web_base_url",
        "web_port",
        "web_secret",
        "webhook_url",
        "webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.exc import ArgumentError

        from bot.storage import normalize_database_url  # the storage layer decides what it can run

        try:
            normalize_database_url(value.strip())
        except (ValueError, ArgumentError):
            # never the value itself: a database URL may carry a password
            raise ValueError("must be a sqlite:// or postgresql:// database URL") from None
        return value.strip()

    @field_validator("bot_api_base_url", "bot_api_file_url", "web_base_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return "polling"
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", value.strip()):
            raise ValueError("must be the https:// URL Telegram posts updates to")
        return None if value is None else value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.mode == "webhook" and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET must be set in webhook mode (MODE=webhook), e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return self

    @property
    def webhook_mode(self) -> bool:
        return self.mode == "webhook"

    @field_validator("web_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError(
                "must be at least 32 characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return value

    @model_validator(mode="after")
    def _web_needs_secret(self) -> Settings:
        if self.web_port is not None and self.web_secret is None:
            raise ValueError("WEB_SECRET must be set to serve the web page (WEB_PORT is set)")
        return self

    @property
    def web_enabled(self) -> bool:
        # In webhook mode the page is part of the webhook's server: WEB_SECRET alone turns it on.
        return self.web_port is not None or (self.webhook_mode and self.web_secret is not None)

    @property
    def web_url(self) -> str:
        """Where browsers reach the page: ``WEB_BASE_URL``, else the host and port it listens on."""
        if self.web_base_url:
            return self.web_base_url.rstrip("/")
        if self.webhook_mode:
            return f"http://{self.listen_host}:{self.listen_port}"
        return f"http://{self.web_host}:{self.web_port}"

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return "INFO"  # blank means unset, as for every other variable
        if isinstance(value, str) and value.strip().upper() in LOG_LEVELS:
            return value.strip().upper()
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return "text"
        if isinstance(value, str) and value.strip().lower() in LOG_FORMATS:
            return value.strip().lower()
        raise ValueError(f"must be one of {', '.join(LOG_FORMATS)}")


_ENV_NAMES = {
    "bot_token": "BOT_TOKEN",
    "database_url": "DATABASE_URL",
    "admin_ids": "ADMIN_IDS",
    "bot_api_base_url": "BOT_API_BASE_URL",
    "bot_api_file_url": "BOT_API_FILE_URL",
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "standards": "STANDARDS",
    "team_creation": "TEAM_CREATION",
    "invitation_days": "INVITATION_DAYS",
    "reminder_hours": "REMINDER_AFTER_HOURS",
    "pre_consent_hours": "PRE_CONSENT_HOURS",
    "retain_unfinished_days": "RETAIN_UNFINISHED_DAYS",
    "retain_transcripts_days": "RETAIN_TRANSCRIPTS_DAYS",
    "jobs_interval_seconds": "JOBS_INTERVAL_SECONDS",
    "web_host": "WEB_HOST",
    "web_port": "WEB_PORT",
    "web_base_url": "WEB_BASE_URL",
    "web_secret": "WEB_SECRET",
    "mode": "MODE",
    "webhook_url": "WEBHOOK_URL",
    "webhook_secret": "WEBHOOK_SECRET",
    "listen_host": "LISTEN_HOST",
    "listen_port": "LISTEN_PORT",
    "send_rate_per_second": "SEND_RATE_PER_SECOND",
    "replicas": "REPLICAS",
    "person_update_limit": "PERSON_UPDATE_LIMIT",
    "person_update_window": "PERSON_UPDATE_WINDOW_SECONDS",
}


def load_settings() -> Settings:
    """Settings, or ConfigError with one line naming the first bad variable (never its value)."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        if not error["loc"]:  # a rule across settings names its variables in its own message
            raise ConfigError(
                f"configuration error: {str(error['msg']).removeprefix('Value error, ')}"
            ) from None
        name = _ENV_NAMES.get(name, name)
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"configuration error: {name} {message}") from None


def configure_logging(level: str, token: str | None = None, log_format: str = "text") -> None:
    """Log lines to stderr at ``level``, with the bot token masked in every one of them.

    The mask is installed before anything can log (python-telegram-bot names its Bot API URL, token
    included, at DEBUG; an exception about a rejected token carries it in its message), and it also
    masks anything shaped like a bot token, so a token pasted somewhere else is not printed either.
    ``log_format="json"`` writes one JSON object per line (``bot.log_json``), masked the same way.
    """
    handler = logging.StreamHandler()
    if log_format == "json":
        from bot.log_json import ExceptionTypeKeeper, JsonLogFormatter

        handler.addFilter(ExceptionTypeKeeper())  # before the mask, which drops the exception itself
        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    install_token_mask(token)
    # httpx logs every request URL at INFO: masked now, but one line per long poll drowns the bot's own.
    quiet = max(logging.WARNING, logging.getLevelName(level))
    logging.getLogger("httpx").setLevel(quiet)
    # Chatty libraries: every transition and every migration plugin at INFO drowns the bot's own lines.
    for name in ("transitions", "alembic", "apscheduler"):
        logging.getLogger(name).setLevel(quiet)
