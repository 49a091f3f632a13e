"""Makes the backend fixtures of ``backends.py`` available to every storage test."""

from backends import (
    database_backend,
    database_engine,
    database_url,
    migrated_database_url,
    uow_factory,
)

__all__ = ["database_backend", "database_engine", "database_url", "migrated_database_url", "uow_factory"]
