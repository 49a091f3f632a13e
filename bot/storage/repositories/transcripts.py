"""Transcripts: what the bot asked and what the user answered, in order and with times."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    DateTime,
    Select,
    String,
    Text,
    Update,
    bindparam,
    cast,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSON
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.column_types import JsonObject, json_text, utc_now
from bot.storage.models import Interview, TranscriptDirection, TranscriptEntry
from bot.storage.repositories._text import storable_text

# Core tables for the writes: the ORM's bulk-update bookkeeping would cost more than the statement.
_INTERVIEWS = Interview.__table__
_ENTRIES = TranscriptEntry.__table__


@dataclass(frozen=True, slots=True)
class Counters:
    """How many staged lines an interview's ``UPDATE`` numbers, and the message of the newest act."""

    lines: int
    acts: bool  # whether an answer or event is among them (then ``message`` is written)
    message: int | None

    def parameters(self) -> dict[str, Any]:
        """The bound values of ``counted``'s expressions."""
        return {"c_lines": self.lines, **({"c_message": self.message} if self.acts else {})}


def counted(acts: bool) -> dict[str, Any]:
    """The ``SET`` expressions that number staged lines, bound by ``Counters.parameters``."""
    values: dict[str, Any] = {"transcript_seq": _INTERVIEWS.c.transcript_seq + bindparam("c_lines")}
    if acts:
        values["last_message_id"] = bindparam("c_message")
    return values


@functools.cache
def _count_lines(*, acts: bool) -> Update:
    """Built once per shape: constructing and keying a statement costs more than running it."""
    return (
        update(_INTERVIEWS)
        .where(_INTERVIEWS.c.id == bindparam("b_id"))
        .values(**counted(acts))
        .returning(_INTERVIEWS.c.transcript_seq)
    )


#: The columns of a line as ``with_lines`` takes them, one array each.
_LINE_COLUMNS = ("direction", "key", "text", "payload", "created_at")
_LINE_ARRAYS = {
    "direction": ARRAY(String),
    "key": ARRAY(String),
    "text": ARRAY(Text),
    "payload": ARRAY(Text),  # JSON text, cast per line: NULL stays SQL NULL
    "created_at": ARRAY(DateTime(timezone=True)),
}


def with_lines(numbering: Update) -> Select[tuple[int]]:
    """PostgreSQL: ``numbering`` (an interview's ``UPDATE … RETURNING transcript_seq`` that counts
    ``c_lines`` staged lines, see ``counted``) and the ``INSERT`` of those lines as one statement, a
    round trip fewer per answer. The lines arrive as one array per column (``line_arrays``) and take
    the numbers the update returned; when the update matches no row (a stale version), nothing is
    inserted and no row comes back, as from the update alone."""
    bumped = numbering.cte("bumped")
    line = (
        func.unnest(*(bindparam(f"l_{name}", type_=_LINE_ARRAYS[name]) for name in _LINE_COLUMNS))
        .table_valued(*_LINE_COLUMNS, with_ordinality="ord")
        .render_derived(name="line")
    )
    rows = (
        select(
            bindparam("b_id"),
            bumped.c.transcript_seq - bindparam("c_lines") + line.c.ord,
            line.c.direction,
            line.c.key,
            line.c.text,
            cast(line.c.payload, JSON(none_as_null=True)),
            line.c.created_at,
        )
        .select_from(bumped)
        .join(line, true())
    )
    written = insert(_ENTRIES).from_select(["interview_id", "seq", *_LINE_COLUMNS], rows).cte("written")
    return select(bumped.c.transcript_seq).add_cte(written)


#: The payload key of the chat message an answer or event came with (see ``Interview.last_message_id``).
MESSAGE = "message"


class TranscriptRepository:
    """Access to ``transcript_entries``; entries are append-only.

    Lines are staged in the unit of work and written just before it commits (``write_staged``): an
    interview's ``UPDATE`` takes the next numbers from ``interviews.transcript_seq`` (it locks the
    interview's row on PostgreSQL, so two writers never take the same ones; SQLite writers are
    serialized anyway) and one multi-row ``INSERT`` writes every line. When the interview is saved
    anyway (an answer), its versioned ``UPDATE`` numbers the lines staged so far
    (``InterviewRepository.save``): a button press's answer and next question then cost that one
    ``UPDATE`` and one ``INSERT`` — on PostgreSQL one statement for both (``with_lines``) — where
    each line used to cost a lock, a ``max(seq)`` and an insert.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._staged: dict[int, tuple[Interview, list[dict[str, Any]]]] = {}  # not numbered yet
        self._numbered: list[dict[str, Any]] = []

    async def append(
        self,
        interview: Interview,
        direction: TranscriptDirection | str,
        key: str | None,
        text: str,
        payload: JsonObject | None = None,
    ) -> None:
        """Stages one line; ``seq`` is per interview, so order survives equal timestamps. The line
        is numbered and written when the unit of work commits (or its transcript is read)."""
        line = {
            "interview_id": interview.id,
            "direction": TranscriptDirection(direction).value,
            "key": key,
            "text": storable_text(text),
            "payload": payload,
            "created_at": utc_now(),
        }
        self._staged.setdefault(interview.id, (interview, []))[1].append(line)

    def counters(self, interview: Interview) -> Counters | None:
        """What an ``UPDATE`` of ``interview`` sets to number its staged lines (see ``counted``; its
        ``RETURNING transcript_seq`` then goes to ``number``); None when none are staged."""
        lines = self._staged.get(interview.id, (interview, []))[1]
        if not lines:
            return None
        acts = [line for line in lines if line["direction"] != TranscriptDirection.PROMPT.value]
        return Counters(len(lines), bool(acts), _message_of(acts[-1]["payload"]) if acts else None)

    def line_arrays(self, interview: Interview) -> dict[str, Any]:
        """The staged lines of ``interview`` as ``with_lines`` binds them: one array per column."""
        lines = self._staged.get(interview.id, (interview, []))[1]
        arrays = {f"l_{name}": [line[name] for line in lines] for name in _LINE_COLUMNS}
        arrays["l_payload"] = [None if p is None else json_text(p) for p in arrays["l_payload"]]
        return arrays

    def number(self, interview: Interview, last: int, *, written: bool = False) -> None:
        """Gives the staged lines of ``interview`` the numbers up to ``last`` (the ``transcript_seq``
        the ``UPDATE`` of ``counters`` returned) and mirrors the counters into the loaded row;
        ``written``: the same statement inserted them (``with_lines``), nothing is left to write."""
        counters = self.counters(interview)
        _, lines = self._staged.pop(interview.id, (interview, []))
        for seq, line in enumerate(lines, start=last - len(lines) + 1):
            line["seq"] = seq
        if not written:
            self._numbered.extend(lines)
        # Without marking the row dirty (that would write it again).
        set_committed_value(interview, "transcript_seq", last)
        if counters is not None and counters.acts:
            set_committed_value(interview, "last_message_id", counters.message)

    async def write_staged(self) -> None:
        """Numbers and writes the staged lines; ``UnitOfWork.commit`` calls it. Lines of an interview
        deleted meanwhile (consent declined, data forgotten) go with it."""
        for interview_id, (interview, _lines) in list(self._staged.items()):
            counters = self.counters(interview)
            assert counters is not None
            statement = _count_lines(acts=counters.acts)
            last = await self._session.scalar(statement, {"b_id": interview_id, **counters.parameters()})
            if last is None:
                del self._staged[interview_id]
            else:
                self.number(interview, last)
        lines, self._numbered = self._numbered, []
        if lines:
            # One executemany of a compiled-once statement (a multi-row VALUES is compiled anew each
            # time); the drivers send it as one round trip.
            await self._session.execute(insert(_ENTRIES), lines)

    def discard_staged(self) -> None:
        """Drops the staged lines: the unit of work rolled back what they recorded."""
        self._staged, self._numbered = {}, []

    async def last_act(self, interview: Interview) -> TranscriptEntry | None:
        """The newest answer or event line (not a prompt): the last thing done in the interview, with
        its payload."""
        await self.write_staged()
        return await self._session.scalar(
            select(TranscriptEntry)
            .where(
                TranscriptEntry.interview_id == interview.id,
                TranscriptEntry.direction != TranscriptDirection.PROMPT.value,
            )
            .order_by(TranscriptEntry.seq.desc())
            .limit(1)
        )

    async def for_interview(self, interview: Interview) -> list[TranscriptEntry]:
        await self.write_staged()
        rows = await self._session.scalars(
            select(TranscriptEntry)
            .where(TranscriptEntry.interview_id == interview.id)
            .order_by(TranscriptEntry.seq)
        )
        return list(rows)


def _message_of(payload: JsonObject | None) -> int | None:
    message = None if payload is None else payload.get(MESSAGE)
    return message if isinstance(message, int) and not isinstance(message, bool) else None
