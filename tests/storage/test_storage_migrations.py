"""The migrations build exactly the schema the models describe, on an empty database, repeatably."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import Base, create_engine_from_url, head_revision, upgrade_database
from bot.storage.migrate import alembic_config

TABLES_AT_0003 = {"alembic_version", "users", "invitations", "interviews", "results", "transcript_entries"}
EXPECTED_TABLES = {
    "alembic_version",
    "users",
    "invitations",
    "invitation_failures",
    "teams",
    "team_leads",
    "team_members",
    "claim_reviews",
    "notifications",
    "audit_events",
    "web_logins",
    "interviews",
    "results",
    "transcript_entries",
    "processed_updates",
}


def _diff(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def _inspect(url: str) -> tuple[set[str], str | None, list[Any]]:
    engine: AsyncEngine = create_engine_from_url(url)
    try:
        async with engine.connect() as connection:
            tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            revision = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
            diffs = await connection.run_sync(_diff, Base.metadata)
    finally:
        await engine.dispose()
    return tables, revision, diffs


async def test_migrations_apply_to_empty_database_and_are_idempotent(database_url: str) -> None:
    tables, revision, _ = await _inspect(database_url)
    assert tables == set()
    assert revision is None

    await upgrade_database(database_url)
    await upgrade_database(database_url)  # every start calls it: must be a no-op the second time

    tables, revision, _ = await _inspect(database_url)
    assert tables == EXPECTED_TABLES
    assert revision == head_revision()


async def test_migrated_schema_matches_models(migrated_database_url: str) -> None:
    _, _, diffs = await _inspect(migrated_database_url)
    assert diffs == []


async def test_schema_comparison_detects_differences(database_engine: AsyncEngine) -> None:
    """Guards the test above: an empty diff must mean "equal", not "comparison sees nothing"."""
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    Table("not_migrated", metadata, Column("id", Integer, primary_key=True))
    async with database_engine.connect() as connection:
        diffs = await connection.run_sync(_diff, metadata)
    assert [diff[0] for diff in diffs] == ["add_table"]


async def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(
    migrated_database_url: str,
) -> None:
    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    engine = create_engine_from_url(migrated_database_url, enforce_foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
    finally:
        await engine.dispose()
    tables, revision, _ = await _inspect(migrated_database_url)
    assert (tables, revision) == ({"alembic_version"}, None)

    await upgrade_database(migrated_database_url)
    tables, revision, diffs = await _inspect(migrated_database_url)
    assert (tables, revision, diffs) == (EXPECTED_TABLES, head_revision(), [])


async def test_upgrading_a_0003_database_adds_the_invitation_failures_and_keeps_the_people(
    database_url: str,
) -> None:
    """0004 only adds the throttle's table: a database in use keeps its rows, and going back to 0003
    removes just that table."""
    await upgrade_database(database_url, "0003")
    engine = create_engine_from_url(database_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO users (id, telegram_id, display_name, created_at, last_seen_at) "
                "VALUES (1, 42, 'Alice', '2026-11-30 10:00:00', '2026-11-30 10:00:00')"
            )
    finally:
        await engine.dispose()
    tables, revision, _ = await _inspect(database_url)
    assert "invitation_failures" not in tables and revision == "0003"

    await upgrade_database(database_url)
    tables, revision, diffs = await _inspect(database_url)
    assert (tables, revision, diffs) == (EXPECTED_TABLES, head_revision(), [])
    engine = create_engine_from_url(database_url)
    try:
        async with engine.connect() as connection:
            names = (await connection.exec_driver_sql("SELECT display_name FROM users")).scalars().all()
        assert names == ["Alice"]
    finally:
        await engine.dispose()

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")

    engine = create_engine_from_url(database_url, enforce_foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
    finally:
        await engine.dispose()
    tables, revision, _ = await _inspect(database_url)
    assert (tables, revision) == (TABLES_AT_0003, "0003")


async def test_upgrading_a_0004_database_gives_each_invitation_a_team_with_its_lead_and_consented_members(
    database_url: str,
) -> None:
    """0005: an invitation made before teams existed becomes a team of its title, led by its maker;
    who consented through it is a member, who only opened the link (consent pending) is not."""
    await upgrade_database(database_url, "0004")
    at = "'2026-11-30 10:00:00'"
    engine = create_engine_from_url(database_url)
    try:
        async with engine.begin() as connection:
            for user_id, name in ((1, "Lead"), (2, "Bea"), (3, "Cy")):
                await connection.exec_driver_sql(
                    "INSERT INTO users (id, telegram_id, display_name, created_at, last_seen_at) "
                    f"VALUES ({user_id}, {40 + user_id}, '{name}', {at}, {at})"
                )
            await connection.exec_driver_sql(
                "INSERT INTO invitations (id, code, lead_user_id, title, created_at) "
                f"VALUES (7, 'abc', 1, 'Support desk', {at})"
            )
            for interview_id, user_id, state in ((1, 2, "field"), (2, 3, "consent")):
                await connection.exec_driver_sql(
                    "INSERT INTO interviews (id, user_id, invitation_id, status, state, snapshot, version, "
                    f"started_at, updated_at) VALUES ({interview_id}, {user_id}, 7, 'active', '{state}', "
                    f"'{{}}', 1, {at}, {at})"
                )
    finally:
        await engine.dispose()

    await upgrade_database(database_url)
    engine = create_engine_from_url(database_url)
    try:
        async with engine.connect() as connection:
            teams = (await connection.exec_driver_sql("SELECT id, name, created_by FROM teams")).all()
            assert [(name, maker) for _, name, maker in teams] == [("Support desk", 1)]
            team_id = teams[0][0]
            leads = (await connection.exec_driver_sql("SELECT team_id, user_id FROM team_leads")).all()
            members = (
                await connection.exec_driver_sql("SELECT team_id, user_id, invitation_id FROM team_members")
            ).all()
            invitation = (
                await connection.exec_driver_sql("SELECT team_id, uses, expires_at FROM invitations")
            ).one()
        assert leads == [(team_id, 1)]
        assert members == [(team_id, 2, 7)]
        assert tuple(invitation) == (team_id, 0, None)
    finally:
        await engine.dispose()


async def _write(url: str, statements: list[str]) -> None:
    engine = create_engine_from_url(url)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


async def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = create_engine_from_url(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.exec_driver_sql(query)]
    finally:
        await engine.dispose()


async def test_upgrading_a_0006_database_counts_each_transcript_and_remembers_the_last_answer_message(
    database_url: str,
) -> None:
    """0007: ``interviews.transcript_seq`` starts at each transcript's last ``seq`` (so the next line
    follows on), and an active interview's ``last_message_id`` is its newest act's message."""
    await upgrade_database(database_url, "0006")
    at = "'2026-11-30 10:00:00'"
    lines = [  # (interview, seq, direction, payload)
        (1, 1, "prompt", None),
        (1, 2, "answer", '{"value": true, "message": 41}'),
        (1, 3, "prompt", None),
        (2, 1, "prompt", None),
        (2, 2, "answer", '{"value": 3, "message": 77}'),
        (2, 3, "event", '{"message": "not a number"}'),
    ]
    statements = [f"INSERT INTO users (id, telegram_id, created_at, last_seen_at) VALUES (1, 41, {at}, {at})"]
    statements += [
        "INSERT INTO interviews (id, user_id, status, state, snapshot, version, started_at, updated_at) "
        f"VALUES ({interview_id}, 1, '{status}', 'field', '{{}}', 1, {at}, {at})"
        for interview_id, status in ((1, "active"), (2, "finished"), (3, "abandoned"))
    ]
    statements += [
        "INSERT INTO transcript_entries (interview_id, seq, direction, text, payload, created_at) "
        f"VALUES ({interview_id}, {seq}, '{direction}', '-', "
        f"{'NULL' if payload is None else repr(payload)}, {at})"
        for interview_id, seq, direction, payload in lines
    ]
    await _write(database_url, statements)
    await upgrade_database(database_url)
    rows = await _rows(database_url, "SELECT id, transcript_seq, last_message_id FROM interviews ORDER BY id")
    # Only active interviews take answers, so only they need the message (and 2's newest act has none).
    assert rows == [(1, 3, 41), (2, 3, None), (3, 0, None)]
