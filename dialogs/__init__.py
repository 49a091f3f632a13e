"""The interview: a state machine that asks one criterion at a time (no Telegram, no SQL here)."""
