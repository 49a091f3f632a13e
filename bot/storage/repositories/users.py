"""Users: found by their Telegram id or terminal key, created on first contact."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Select,
    and_,
    bindparam,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.column_types import utc_now
from bot.storage.models import Interview, InterviewStatus, Invitation, Result, TranscriptEntry, User
from bot.storage.repositories._text import storable_text


class UserRepository:
    """Access to ``users``; also the entry point for deleting everything a person left behind."""

    def __init__(
        self, session: AsyncSession, execute_alone: Callable[..., Awaitable[CursorResult[Any]]]
    ) -> None:
        self._session = session
        self._execute_alone = execute_alone

    async def get(self, user_id: int) -> User | None:
        return await self._session.get(User, user_id)

    async def by_telegram_id(self, telegram_id: int, *, lock: bool = False) -> User | None:
        """The person, or None; ``lock`` for a unit of work that is going to write for them (see
        ``_select``)."""
        return await self._session.scalar(_select(User.telegram_id == telegram_id, lock))

    async def by_local_key(self, local_key: str, *, lock: bool = False) -> User | None:
        return await self._session.scalar(_select(User.local_key == local_key, lock))

    async def with_active_interview(
        self, *, telegram_id: int | None = None, local_key: str | None = None, lock: bool = False
    ) -> tuple[User | None, Interview | None]:
        """The person and their active interview in one round trip (``lock``: the person's row
        ``FOR UPDATE``, see ``_select``) — what every answer, press and tick needs first."""
        key, value = ("telegram_id", telegram_id) if telegram_id is not None else ("local_key", local_key)
        if value is None:
            raise ValueError("an identity needs a telegram_id or a local_key")
        statement = _with_active_interview(key, lock)
        row = (await self._session.execute(statement, {"b_person": value})).first()
        return (None, None) if row is None else (row[0], row[1])

    async def swap_live_message(self, telegram_id: int, expected: int | None, message_id: int) -> bool:
        """Records ``message_id`` as the message showing the person's question if ``expected`` still
        is, as one statement of its own (``UnitOfWork.execute_alone``, so the caller's unit of work
        must not have begun); False when it was not (another update swapped first): nothing changed."""
        parameters = {"b_telegram_id": telegram_id, "b_expected": expected, "b_new": message_id}
        result = await self._execute_alone(_SWAP_LIVE_MESSAGE, parameters)
        return bool(result.rowcount == 1)

    async def awaiting_of(self, telegram_id: int | None, local_key: str | None) -> str | None:
        """What the person's next text answers (``users.awaiting``), read as a statement of its own."""
        statement = select(User.__table__.c.awaiting).where(_person(telegram_id, local_key))
        return (await self._execute_alone(statement)).scalar()

    async def clear_awaiting(self, telegram_id: int | None, local_key: str | None) -> bool:
        """Clears ``users.awaiting`` as a statement of its own; True if something was awaited."""
        users = User.__table__
        statement = (
            update(users)
            .where(_person(telegram_id, local_key), users.c.awaiting.is_not(None))
            .values(awaiting=None)
        )
        return bool((await self._execute_alone(statement)).rowcount)

    async def get_or_create_telegram(
        self, telegram_id: int, display_name: str | None = None, language_code: str | None = None
    ) -> User:
        """The user behind a Telegram update, locked for this unit of work (it is about to write);
        name and language are refreshed because people change them and the admin export should show
        the current ones."""
        return await self._get_or_create(
            User.telegram_id == telegram_id,
            lambda: User(telegram_id=telegram_id),
            display_name=display_name,
            language_code=language_code,
        )

    async def get_or_create_local(self, local_key: str, display_name: str | None = None) -> User:
        """The user of the terminal front, identified by a key such as ``terminal:alice``."""
        return await self._get_or_create(
            User.local_key == local_key,
            lambda: User(local_key=local_key),
            display_name=display_name,
            language_code=None,
        )

    async def _get_or_create(
        self,
        criterion: ColumnElement[bool],
        new_user: Callable[[], User],
        *,
        display_name: str | None,
        language_code: str | None,
    ) -> User:
        user = await self._session.scalar(_select(criterion, lock=True))
        if user is None:
            user = new_user()
            try:
                # A savepoint, so losing the race against a concurrent first message only undoes this insert.
                async with self._session.begin_nested():
                    self._session.add(user)
            except IntegrityError:
                # The winner has committed by now (PostgreSQL makes a conflicting insert wait for it).
                user = (await self._session.scalars(_select(criterion, lock=True))).one()
        self.seen(user, display_name, language_code)
        await self._session.flush()
        return user

    def seen(self, user: User, display_name: str | None = None, language_code: str | None = None) -> None:
        """The person wrote: their name and language as the client sends them now, and
        ``last_seen_at``, go into the UPDATE of this unit of work's flush — only what changed.

        ``last_seen_at`` only tells the clean-up who has been silent for ``PRE_CONSENT_HOURS``, so a
        refresh at most every ``LAST_SEEN_GRANULARITY`` is exact enough and spares a button press
        its own ``UPDATE users``. Reads never call this: looking writes nothing.
        """
        if display_name is not None and user.display_name != (name := _fitted(display_name, _NAME)):
            user.display_name = name
        if language_code is not None and user.language_code != (code := _fitted(language_code, _CODE)):
            user.language_code = code
        now = utc_now()
        last = user.last_seen_at
        if last is None or last <= now - LAST_SEEN_GRANULARITY:
            user.last_seen_at = now

    async def delete(self, user: User) -> None:
        """Removes the user and, through ``ON DELETE CASCADE``, their interviews, results, transcripts and
        the invitations they lead (interviews of other people keep going, detached from the invitation).

        The database does the cascading; objects of those rows already loaded in this unit of work are
        dropped from it (or updated) so they cannot be read or written back afterwards.
        """
        interview_ids = set(
            await self._session.scalars(select(Interview.id).where(Interview.user_id == user.id))
        )
        invitation_ids = set(
            await self._session.scalars(select(Invitation.id).where(Invitation.lead_user_id == user.id))
        )
        user_id = user.id
        await self._session.delete(user)
        await self._session.flush()
        self._forget_cascaded(user_id, interview_ids, invitation_ids)

    def _forget_cascaded(self, user_id: int, interview_ids: set[int], invitation_ids: set[int]) -> None:
        for obj in list(self._session.identity_map.values()):
            loaded = inspect(obj).dict  # never triggers a load, which asyncio could not do here
            if _was_cascaded(obj, loaded, user_id, interview_ids):
                self._session.expunge(obj)
            elif isinstance(obj, Interview) and loaded.get("invitation_id") in invitation_ids:
                set_committed_value(obj, "invitation_id", None)


def _column_length(name: str) -> int:
    length = getattr(User.__table__.c[name].type, "length", None)
    assert isinstance(length, int), f"users.{name} is expected to be a varchar"
    return length


_NAME = _column_length("display_name")
_CODE = _column_length("language_code")

#: How stale ``users.last_seen_at`` may get while the person keeps writing (see ``UserRepository.seen``).
LAST_SEEN_GRANULARITY = timedelta(minutes=10)


@functools.cache
def _with_active_interview(key: str, lock: bool) -> Select[tuple[User, Interview]]:
    """Built once per shape: constructing and keying a statement costs more than running it."""
    statement = (
        select(User, Interview)
        .outerjoin(
            Interview,
            and_(Interview.user_id == User.id, Interview.status == InterviewStatus.ACTIVE.value),
        )
        .where(getattr(User, key) == bindparam("b_person"))
    )
    # The person's row only: PostgreSQL cannot lock the nullable side of an outer join.
    return statement.with_for_update(of=User) if lock else statement


_USERS = User.__table__  # Core for single statements: none of the ORM's bookkeeping
_SWAP_LIVE_MESSAGE = (
    update(_USERS)
    .where(
        _USERS.c.telegram_id == bindparam("b_telegram_id"),
        _USERS.c.live_message_id.is_not_distinct_from(bindparam("b_expected", type_=BigInteger)),
    )
    .values(live_message_id=bindparam("b_new"))
)


def _person(telegram_id: int | None, local_key: str | None) -> ColumnElement[bool]:
    users = User.__table__
    if telegram_id is not None:
        return users.c.telegram_id == telegram_id
    if local_key is None:
        raise ValueError("an identity needs a telegram_id or a local_key")
    return users.c.local_key == local_key


def _select(criterion: ColumnElement[bool], lock: bool) -> Select[tuple[User]]:
    """The person's row; with ``lock``, ``SELECT … FOR UPDATE``.

    Locking the person's row first is what serializes one person's writing units of work on
    PostgreSQL, across processes: a second update of the same person (a double tap, a redelivery,
    a second replica) waits here until the first one committed, and then reads what it wrote — so
    a racing ``/start`` finds the interview the first one opened and resumes it. SQLite ignores
    ``FOR UPDATE``; its ``BEGIN IMMEDIATE`` already serializes writers (``bot.storage.database``).
    """
    statement = select(User).where(criterion)
    return statement.with_for_update() if lock else statement


def _fitted(value: str, length: int) -> str:
    """``value`` cut to what its column holds. The client sends these, not the person: a language
    code longer than varchar(35) failed every update of that person on PostgreSQL (SQLite does not
    check lengths), and only the first characters of it ever mattered."""
    return storable_text(value)[:length]


def _was_cascaded(obj: object, loaded: dict[str, Any], user_id: int, interview_ids: set[int]) -> bool:
    if isinstance(obj, Interview | Result):
        return loaded.get("user_id") == user_id
    if isinstance(obj, TranscriptEntry):
        return loaded.get("interview_id") in interview_ids
    if isinstance(obj, Invitation):
        return loaded.get("lead_user_id") == user_id
    return False
