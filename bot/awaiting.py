"""What a person's next typed message answers, when it is not the interview: a team's name, a comment.

Kept in the database (``users.awaiting``), not in the process: a restart between "What is your
team called?" and the answer must not turn the answer into an interview answer. The value is a
short tag of the front's own making (at most 64 characters); any command clears it.
"""

from __future__ import annotations

from bot.service import Identity
from bot.storage import UnitOfWork, UnitOfWorkFactory, User

MAX_TAG = 64


class Awaiting:
    """Reads and writes ``users.awaiting``; one unit of work per call."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    async def expect(self, who: Identity, tag: str) -> None:
        """The person's next text answers ``tag``. Only people who ask the bot for something that
        needs a typed answer (a lead naming a team) get here, so storing them is what they asked for."""
        if not tag or len(tag) > MAX_TAG:
            raise ValueError("a tag is 1..64 characters")
        async with self._uow() as uow:
            user = await _person(uow, who, create=True)
            assert user is not None
            user.awaiting = tag
            await uow.commit()

    async def take(self, who: Identity) -> str | None:
        """What the person's text answers, clearing it (None: the text is the interview's).

        Nearly every text is an interview answer: one statement of its own finds nothing awaited,
        and only then does a transaction take the person's row and clear it.
        """
        async with self._uow() as uow:
            if await uow.users.awaiting_of(who.telegram_id, who.local_key) is None:
                return None
        async with self._uow() as uow:
            user = await _person(uow, who, create=False)
            if user is None or user.awaiting is None:
                return None
            tag = user.awaiting
            user.awaiting = None
            await uow.commit()
            return tag

    async def clear(self, who: Identity) -> bool:
        """Forget what the next text would have answered (a command came instead); True if anything
        was. One statement of its own: it runs before every command."""
        async with self._uow() as uow:
            return await uow.users.clear_awaiting(who.telegram_id, who.local_key)


async def _person(uow: UnitOfWork, who: Identity, *, create: bool) -> User | None:
    if who.telegram_id is not None:
        if create:
            return await uow.users.get_or_create_telegram(
                who.telegram_id, who.display_name, who.language_code
            )
        return await uow.users.by_telegram_id(who.telegram_id)
    if who.local_key is None:
        raise ValueError("an identity needs a telegram_id or a local_key")
    if create:
        return await uow.users.get_or_create_local(who.local_key, who.display_name)
    return await uow.users.by_local_key(who.local_key)
