"""Test doubles for the external services the bot talks to (currently only the Telegram Bot API)."""
