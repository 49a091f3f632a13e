"""The assessment service: the dialogue plus storage, for any front (Telegram, terminal, tests).

Each public method is one unit of work: load the person's interview, apply one operation of the
dialogue, record it in the transcript, save with the version check, commit — and only then
return what to show. That order is the guarantee that nothing a person said is lost once the
bot has answered it.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.spreadsheet import safe_cell
from bot.storage import Interview as InterviewRow
from bot.storage import (
    InterviewStatus,
    StaleInterviewError,
    UnitOfWork,
    UnitOfWorkFactory,
    User,
)
from criteria import evaluate, parse_profile
from dialogs import Interview, Prompt, Step
from dialogs.prompt import Kind

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is talking: a Telegram user or a local (terminal) user."""

    telegram_id: int | None = None
    local_key: str | None = None
    display_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """What a front shows after an operation; ``stale`` marks a refused out-of-date button."""

    prompt: Prompt | None
    interview_id: int | None = None
    version: int | None = None
    notice: str | None = None
    stale: bool = False
    finished_level: int | None = None
    previous: Prompt | None = None  # the prompt the operation answered, for fronts that edit it


@dataclass(frozen=True, slots=True)
class ResultRow:
    field: str
    level: int
    created_at: datetime
    profile: dict[str, Any]
    evaluation: dict[str, Any]
    interview_id: int


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    status: str  # "finished" or "in progress"
    field: str | None = None
    level: int | None = None


@dataclass(frozen=True, slots=True)
class TeamReport:
    title: str
    code: str
    members: list[TeamMember] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    seq: int
    at: datetime
    direction: str
    key: str | None
    text: str
    rejected: str | None = None  # why an answer was refused (the reason shown to the person)


Operation = Callable[[Interview], Step]


class AssessmentService:
    def __init__(self, uow_factory: UnitOfWorkFactory, locale: str = "en") -> None:
        self._uow = uow_factory
        self._locale = locale

    @property
    def locale(self) -> str:
        """The dialogue's language: fronts word their own texts in it too."""
        return self._locale

    # --- people and their interview ------------------------------------------------------------

    async def _user(self, uow: UnitOfWork, who: Identity) -> User:
        if who.telegram_id is not None:
            return await uow.users.get_or_create_telegram(
                who.telegram_id, who.display_name, who.language_code
            )
        if who.local_key is None:
            raise ValueError("an identity needs a telegram_id or a local_key")
        return await uow.users.get_or_create_local(who.local_key, who.display_name)

    async def _known_user(self, uow: UnitOfWork, who: Identity) -> User | None:
        """The person if something is kept about them already; looking never creates one (after
        declining consent or /forget, a later message must not store the person again)."""
        if who.telegram_id is not None:
            found = await uow.users.by_telegram_id(who.telegram_id)
        else:
            found = await uow.users.by_local_key(who.local_key or "")
        return None if found is None else await self._user(uow, who)

    async def start(self, who: Identity, invitation_code: str | None = None) -> Reply:
        """Resume the active interview, or open a new one (joined to an invitation when given)."""
        async with self._uow() as uow:
            user = await self._user(uow, who)
            invitation = await uow.invitations.by_code(invitation_code) if invitation_code else None
            row = await uow.interviews.active_for(user)
            notice = None
            if invitation_code and invitation is None:
                notice = "invitation_unknown"
            if row is not None:
                # A team link opened mid-interview links it, so the lead sees this interview too.
                joined = invitation is not None and row.invitation_id is None
                if invitation is not None and joined:
                    await uow.interviews.join_invitation(row, invitation)
                with Interview.restore(row.snapshot, self._locale) as iv:
                    prompt = iv.prompt()
                await uow.transcripts.append(row, "event", None, "resumed" + (" (invited)" if joined else ""))
                await uow.transcripts.append(row, "prompt", prompt.key, prompt.text)
                await uow.commit()
                notice = notice or ("invited" if joined else "resumed")
                return Reply(prompt, row.id, row.version, notice=notice)
            with Interview(locale=self._locale) as iv:
                prompt = iv.prompt()
                row = await uow.interviews.start(user, iv.state, iv.snapshot(), invitation)
            await uow.transcripts.append(row, "event", None, "started" + (" (invited)" if invitation else ""))
            await uow.transcripts.append(row, "prompt", prompt.key, prompt.text)
            await uow.commit()
            return Reply(prompt, row.id, row.version, notice=notice or ("invited" if invitation else None))

    async def current(self, who: Identity) -> Reply:
        """The prompt of the active interview, without changing anything."""
        async with self._uow() as uow:
            user = await self._known_user(uow, who)
            row = None if user is None else await uow.interviews.active_for(user)
            await uow.commit()  # keeps last_seen_at fresh
            if row is None:
                return Reply(None, notice="no_interview")
            with Interview.restore(row.snapshot, self._locale) as iv:
                return Reply(iv.prompt(), row.id, row.version)

    async def answer(self, who: Identity, value: Any, expect: tuple[int, int] | None = None) -> Reply:
        return await self._operate(who, lambda iv: iv.answer(value), expect, value)

    async def toggle(self, who: Identity, option_id: str, expect: tuple[int, int] | None = None) -> Reply:
        return await self._operate(who, lambda iv: iv.toggle(option_id), expect)

    async def done(self, who: Identity, expect: tuple[int, int] | None = None) -> Reply:
        return await self._operate(who, lambda iv: iv.done(), expect)

    async def back(self, who: Identity, expect: tuple[int, int] | None = None) -> Reply:
        return await self._operate(who, lambda iv: iv.back(), expect)

    async def press(self, who: Identity, action: str, index: int | None, expect: tuple[int, int]) -> Reply:
        """A button: ``o`` choose option, ``t`` toggle option, ``d`` done, ``b`` back."""
        return await self._operate(who, press_operation(action, index), expect)

    async def restart(self, who: Identity) -> Reply:
        return await self._operate(who, lambda iv: iv.restart(), None)

    async def _operate(
        self, who: Identity, operation: Operation, expect: tuple[int, int] | None, raw: Any = None
    ) -> Reply:
        async with self._uow() as uow:
            user = await self._known_user(uow, who)
            if user is None:  # nothing kept about them (e.g. declined consent): nothing to operate on
                stale = expect is not None
                return Reply(None, notice="stale" if stale else "no_interview", stale=stale)
            row = await uow.interviews.active_for(user)
            if expect is not None and (row is None or row.id != expect[0]):
                finished = await uow.interviews.get(expect[0])
                if finished is not None and finished.user_id == user.id and row is None:
                    return await self._after_finish(uow, user, finished, operation, expect)
                await uow.commit()
                return Reply(None, stale=True, notice="stale")
            if row is None:
                latest = (await uow.interviews.list_for_user(user) or [None])[-1]
                if latest is not None and latest.status == InterviewStatus.FINISHED.value:
                    return await self._after_finish(uow, user, latest, operation, None)
                await uow.commit()
                return Reply(None, notice="no_interview")
            if expect is not None and row.version != expect[1]:
                await uow.commit()
                with Interview.restore(row.snapshot, self._locale) as iv:
                    return Reply(iv.prompt(), row.id, row.version, stale=True, notice="stale")
            return await self._apply(uow, row, operation, raw)

    async def _apply(self, uow: UnitOfWork, row: InterviewRow, operation: Operation, raw: Any) -> Reply:
        with Interview.restore(row.snapshot, self._locale) as iv:
            before = iv.prompt()
            step = operation(iv)
            if step.recorded is not None:
                key, value = step.recorded
                await uow.transcripts.append(
                    row, "answer", key, _answer_text(before, value), {"value": value}
                )
            elif not step.changed and raw is not None:
                payload = {"value": raw if isinstance(raw, str | int | bool | list) else repr(raw)}
                payload["rejected"] = step.prompt.error or ""
                await uow.transcripts.append(row, "answer", before.key, _clip(str(raw)), payload)
            elif step.event:
                await uow.transcripts.append(row, "event", before.key, step.event)
            if step.event == "decline":
                await self._discard(uow, row)
                await uow.commit()
                return Reply(step.prompt, None, None, previous=before)
            level = None
            if step.changed:
                try:
                    await uow.interviews.save(row, iv.state, iv.snapshot(), row.version)
                except StaleInterviewError:
                    await uow.rollback()
                    fresh = await uow.interviews.refresh(row)
                    with Interview.restore(fresh.snapshot, self._locale) as again:
                        return Reply(again.prompt(), fresh.id, fresh.version, stale=True, notice="stale")
                if iv.finished:
                    level = await self._record_result(uow, row, iv)
                if step.event != "toggle":
                    await uow.transcripts.append(row, "prompt", step.prompt.key, step.prompt.text)
            await uow.commit()
            return Reply(step.prompt, row.id, row.version, finished_level=level, previous=before)

    async def _discard(self, uow: UnitOfWork, row: InterviewRow) -> None:
        """Consent refused: keep nothing of this interview, nor the person if it was all we had."""
        user = await uow.users.get(row.user_id)
        await uow.interviews.delete(row)
        if (
            user is not None
            and not await uow.interviews.list_for_user(user)
            # A team lead's invitations are kept too: deleting the user would cascade to them.
            and not await uow.invitations.for_lead(user, include_revoked=True)
        ):
            await uow.users.delete(user)
        log.info("consent declined; the interview was discarded")

    async def _record_result(self, uow: UnitOfWork, row: InterviewRow, iv: Interview) -> int:
        profile = iv.profile()
        assert profile is not None, "a finished interview has a field and a role"
        evaluation = evaluate(parse_profile(profile))
        await uow.results.add(row, evaluation.field, evaluation.level, profile, evaluation.to_json())
        await uow.interviews.finish(row)
        log.info("interview finished at level %s in %s", evaluation.level, evaluation.field)
        return evaluation.level

    async def _after_finish(
        self,
        uow: UnitOfWork,
        user: User,
        finished: InterviewRow,
        operation: Operation,
        expect: tuple[int, int] | None,
    ) -> Reply:
        """A button on a result message: "start again" or "back to my answers" opens a new interview."""
        stale = expect is not None and finished.version != expect[1]
        if stale or finished.status != InterviewStatus.FINISHED.value:
            await uow.commit()
            return Reply(None, stale=True, notice="stale")
        with Interview.restore(finished.snapshot, self._locale) as old:
            step = operation(old)
            if not step.changed:
                await uow.commit()
                return Reply(step.prompt, finished.id, finished.version)
            snapshot = old.snapshot()
            state = old.state
        invitation = await uow.invitations.get(finished.invitation_id) if finished.invitation_id else None
        row = await uow.interviews.start(user, state, snapshot, invitation)
        await uow.transcripts.append(row, "event", None, f"continued from interview {finished.id}")
        await uow.transcripts.append(row, "prompt", step.prompt.key, step.prompt.text)
        await uow.commit()
        return Reply(step.prompt, row.id, row.version, previous=None)

    # --- results and data --------------------------------------------------------------------

    async def history(self, who: Identity) -> list[ResultRow]:
        async with self._uow() as uow:
            user = await self._known_user(uow, who)
            if user is None:
                return []
            results = await uow.results.history_for(user)
            await uow.commit()
            return [
                ResultRow(r.field, r.level, r.created_at, dict(r.profile), dict(r.evaluation), r.interview_id)
                for r in results
            ]

    async def export(self, who: Identity) -> dict[str, Any] | None:
        """The latest finished profile, else the one in progress: what the person can take elsewhere."""
        async with self._uow() as uow:
            user = await self._known_user(uow, who)
            if user is None:
                return None
            results = await uow.results.history_for(user)
            row = await uow.interviews.active_for(user)
            await uow.commit()
        if row is not None:
            with Interview.restore(row.snapshot, self._locale) as iv:
                profile = iv.profile()
            if profile is not None and not results:
                return profile
        return dict(results[0].profile) if results else None

    async def forget(self, who: Identity) -> bool:
        """Delete everything kept about the person; True if there was anything."""
        async with self._uow() as uow:
            if who.telegram_id is not None:
                user = await uow.users.by_telegram_id(who.telegram_id)
            else:
                user = await uow.users.by_local_key(who.local_key or "")
            if user is None:
                return False
            await uow.users.delete(user)
            await uow.commit()
            log.info("a user deleted their data")
            return True

    # --- team leads --------------------------------------------------------------------------

    async def create_invitation(self, who: Identity, title: str) -> str:
        async with self._uow() as uow:
            lead = await self._user(uow, who)
            invitation = await uow.invitations.create(lead, title)
            await uow.commit()
            return invitation.code

    async def team(self, who: Identity) -> list[TeamReport]:
        async with self._uow() as uow:
            lead = await self._known_user(uow, who)
            if lead is None:
                return []
            reports = []
            for invitation in await uow.invitations.for_lead(lead):
                finished = await uow.results.latest_per_user_for_invitation(invitation)
                done_ids = {r.user.id for r in finished}
                members = [
                    TeamMember(r.display_name or f"#{r.user.id}", "finished", r.result.field, r.result.level)
                    for r in finished
                ]
                for interview in await uow.interviews.list_for_invitation(invitation):
                    if interview.status == InterviewStatus.ACTIVE.value and interview.user_id not in done_ids:
                        person = await uow.users.get(interview.user_id)
                        name = (person.display_name if person else None) or f"#{interview.user_id}"
                        members.append(TeamMember(name, "in progress"))
                reports.append(TeamReport(invitation.title, invitation.code, members))
            await uow.commit()
            return reports

    # --- admins ------------------------------------------------------------------------------

    async def transcript(self, interview_id: int) -> list[TranscriptLine] | None:
        async with self._uow() as uow:
            row = await uow.interviews.get(interview_id)
            if row is None:
                return None
            entries = await uow.transcripts.for_interview(row)
            return [
                TranscriptLine(e.seq, e.created_at, e.direction, e.key, e.text, _rejection(e.payload))
                for e in entries
            ]

    async def results_csv(self) -> str:
        async with self._uow() as uow:
            rows = await uow.results.all()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["result_id", "interview_id", "user_id", "name", "field", "level", "finished_at"])
        for r in rows:
            writer.writerow(
                [
                    r.result.id,
                    r.result.interview_id,
                    r.user.id,
                    safe_cell(r.display_name or ""),
                    r.result.field,
                    r.result.level,
                    r.result.created_at.isoformat(),
                ]
            )
        return out.getvalue()


def _rejection(payload: dict[str, Any] | None) -> str | None:
    reason = payload.get("rejected") if isinstance(payload, dict) else None
    return None if reason is None else str(reason)


def _clip(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _answer_text(prompt: Prompt, value: Any) -> str:
    """The answer as the person saw it (option labels), so a transcript reads like the chat."""
    if prompt.kind in (Kind.SINGLE, Kind.MULTI, Kind.YESNO) and prompt.options:
        values = value if isinstance(value, list) else [value]
        ids = {("yes" if v else "no") if isinstance(v, bool) else str(v) for v in values}
        labels = [o.label for o in prompt.options if o.id in ids]
        return "; ".join(labels) if labels else "(none)"
    return _clip(str(value))


def press_operation(action: str, index: int | None) -> Operation:
    """A button press, by the option's position in the prompt it was rendered from.

    Positions keep callback data short (Telegram allows 64 bytes); the caller's version check
    guarantees the prompt is the one the button was rendered from.
    """

    def operate(iv: Interview) -> Step:
        prompt = iv.prompt()
        if action == "b":
            return iv.back()
        if action == "d":
            return iv.done()
        if index is None or not 0 <= index < len(prompt.options):
            return Step(iv.prompt(error=iv.msg("error.choice")), changed=False)
        option = prompt.options[index].id
        if action == "t":
            return iv.toggle(option)
        return iv.answer(option)

    return operate
