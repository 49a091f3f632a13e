"""The webhook's settings: what webhook mode requires, and one line naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

NAMES = ("MODE", "WEBHOOK_URL", "WEBHOOK_SECRET", "LISTEN_HOST", "LISTEN_PORT", "WEB_PORT", "WEB_SECRET")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file


def error(monkeypatch: pytest.MonkeyPatch, **values: str) -> str:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    return str(caught.value)


def test_polling_is_the_default_and_needs_nothing_of_the_webhook() -> None:
    settings = load_settings()
    assert (settings.mode, settings.webhook_mode, settings.listen_host, settings.listen_port) == (
        "polling",
        False,
        "127.0.0.1",
        8443,
    )


def test_webhook_mode_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    message = error(monkeypatch, MODE="webhook")
    assert message.startswith("configuration error: WEBHOOK_SECRET must be set in webhook mode"), message
    monkeypatch.setenv("WEBHOOK_SECRET", "Abc_-9")
    monkeypatch.setenv("MODE", " Webhook ")
    settings = load_settings()
    assert settings.webhook_mode and settings.webhook_secret is not None


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("WEBHOOK_SECRET", "has space", "must be 1 to 256 characters"),
        ("WEBHOOK_SECRET", "x" * 257, "must be 1 to 256 characters"),
        ("WEBHOOK_URL", "ftp://bot.example.org/telegram", "must be the https:// URL"),
        ("MODE", "push", "Input should be 'polling' or 'webhook'"),
        ("LISTEN_PORT", "70000", "less than or equal to 65535"),
    ],
)
def test_a_malformed_setting_is_named_without_its_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    message = error(monkeypatch, **{name: value})
    assert message.startswith(f"configuration error: {name} ") and says in message, message
    if name == "WEBHOOK_SECRET":
        assert value not in message


def test_in_webhook_mode_the_web_page_is_part_of_the_webhooks_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "MODE": "webhook",
        "WEBHOOK_SECRET": "s",
        "WEB_SECRET": "w" * 32,
        "LISTEN_HOST": "0.0.0.0",
        "LISTEN_PORT": "8080",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.web_enabled and settings.web_url == "http://0.0.0.0:8080"
    monkeypatch.setenv("MODE", "polling")
    assert not load_settings().web_enabled, "polling mode serves the page only with WEB_PORT"
