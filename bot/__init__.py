"""The Telegram adapter, the terminal front, storage and the admin web: everything with I/O."""
