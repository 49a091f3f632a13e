"""The assessment service: the dialogue plus storage, for any front (Telegram, terminal, tests).

Each public method is one unit of work: load the person's interview, apply one operation of the
dialogue, record it in the transcript, save with the version check, commit — and only then
return what to show. That order is the guarantee that nothing a person said is lost once the
bot has answered it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError

from bot.clock import Clock, system_clock
from bot.notifications import cancel_reminders, notify_leads_of_finish, schedule_reminder
from bot.storage import Interview as InterviewRow
from bot.storage import (
    InterviewStatus,
    StaleInterviewError,
    UnitOfWork,
    UnitOfWorkFactory,
    User,
)
from bot.storage import Invitation as InvitationRow
from bot.storage.repositories.transcripts import MESSAGE
from bot.teams import (
    BEFORE_CONSENT,
    INVITATION_ATTEMPTS,
    AttemptLimit,
    InvitationPreview,
    has_consented,
    invitation_for_start,
    join_on_consent,
)
from criteria import StandardSet, evaluate, parse_profile
from dialogs import (
    DEFAULT_LANGUAGE,
    Action,
    Answer,
    Back,
    Context,
    Done,
    Interview,
    Kind,
    Messages,
    Prompt,
    Restart,
    ResultView,
    Step,
    kind_of,
    languages,
    supported_language,
)
from dialogs.kinds import Band
from dialogs.machine import CONSENT
from dialogs.result import build_result

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is talking: a Telegram user or a local (terminal) user."""

    telegram_id: int | None = None
    local_key: str | None = None
    display_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class LiveMessage:
    """The chat message that showed the person's question as the operation began (None: none yet),
    so recording the next one needs no transaction of its own (``swap_live_message``)."""

    id: int | None


@dataclass(frozen=True, slots=True)
class Reply:
    """What a front shows after an operation; ``stale`` marks a refused out-of-date button.

    ``msg`` speaks the person's language (and their interview's standard), so the front words its
    own texts the same way as the question.
    """

    prompt: Prompt | None
    msg: Messages
    interview_id: int | None = None
    version: int | None = None
    notice: str | None = None
    stale: bool = False
    finished_level: int | None = None
    previous: Prompt | None = None  # the prompt the operation answered, for fronts that edit it
    result_id: int | None = None  # the result this operation recorded (the interview just finished)
    result: ResultView | None = None  # that result worded, for fronts that render it richly
    #: The team a usable invitation link leads to, whatever ``notice`` says ("invited", "join_offer",
    #: "already_member", or "resumed" for the same link again): a front shows it before consent.
    team: InvitationPreview | None = None
    #: A refused press on the message the last answer came from (a double tap): the front sends no new
    #: copy of the question — the first press's reply shows what comes next.
    repeat: bool = False
    #: Which message showed the question before, when the operation read it (None: not read).
    live: LiveMessage | None = None


@dataclass(frozen=True, slots=True)
class ResultRow:
    id: int
    field: str
    level: int
    created_at: datetime
    profile: dict[str, Any]
    evaluation: dict[str, Any]
    interview_id: int
    standard_id: str
    standard_version: str


__all__ = ["BEFORE_CONSENT", "INVITATION_ATTEMPTS", "AttemptLimit"]  # re-exported from bot.teams


Operation = Callable[[Interview], Step]


class AssessmentService:
    #: Throttles guessing invitation codes; a test (or a deployment) may set its own on an instance.
    invitation_attempts: AttemptLimit = INVITATION_ATTEMPTS

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        standards: StandardSet | None = None,
        *,
        clock: Clock = system_clock,
        reminder_after: timedelta | None = None,
    ) -> None:
        self._uow = uow_factory
        self.clock = clock  # when links expire and throttle windows end (tests move it)
        #: A team member who consented gets one reminder this long after, unless they finished.
        self.reminder_after = reminder_after
        self.standards = standards or StandardSet.from_references(())

    # --- the context of a request --------------------------------------------------------------

    def context(self, user: User | None, who: Identity) -> Context:
        """The person's language (their choice, else their client's on first contact) and the
        standards this deployment offers."""
        language = (user.language if user is not None else None) or _first_language(who)
        return Context(self.standards, language if language in languages() else DEFAULT_LANGUAGE)

    def _restore(self, row: InterviewRow, ctx: Context) -> Interview:
        return Interview.restore(row.snapshot, ctx)

    def _reply(self, ctx: Context, iv: Interview | None = None, **fields: Any) -> Reply:
        msg = iv.msg if iv is not None else ctx.words(self.standards.default)
        return Reply(fields.pop("prompt", None), msg, **fields)

    async def words(self, who: Identity) -> Messages:
        """The person's words for a front's own texts (help, confirmations); looking writes nothing."""
        async with self._read() as uow:
            user = await self._find(uow, who)
            return self.context(user, who).words(self.standards.default)

    # --- people and their interview ------------------------------------------------------------

    async def _user(self, uow: UnitOfWork, who: Identity) -> User:
        if who.telegram_id is not None:
            user = await uow.users.get_or_create_telegram(
                who.telegram_id, who.display_name, who.language_code
            )
        elif who.local_key is None:
            raise ValueError("an identity needs a telegram_id or a local_key")
        else:
            user = await uow.users.get_or_create_local(who.local_key, who.display_name)
        if user.language is None:
            user.language = _first_language(who)
        return user

    async def _find(self, uow: UnitOfWork, who: Identity, *, lock: bool = False) -> User | None:
        """The person, never created; ``lock`` when this unit of work writes for them."""
        if who.telegram_id is not None:
            return await uow.users.by_telegram_id(who.telegram_id, lock=lock)
        return await uow.users.by_local_key(who.local_key or "", lock=lock)

    async def _known_user(self, uow: UnitOfWork, who: Identity) -> tuple[User | None, InterviewRow | None]:
        """The person if something is kept about them already, locked for a write, with their active
        interview (one round trip); looking never creates one (after declining consent or /forget, a
        later message must not store the person again). Only writing operations call this: it
        refreshes what the client says about them."""
        if who.telegram_id is None and who.local_key is None:
            raise ValueError("an identity needs a telegram_id or a local_key")
        user, row = await uow.users.with_active_interview(
            telegram_id=who.telegram_id, local_key=who.local_key, lock=True
        )
        if user is not None:
            uow.users.seen(user, who.display_name, who.language_code)
            if user.language is None:
                user.language = _first_language(who)
        return user, row

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work that only reads: no lock, no commit, and it works while the database
        refuses writes (a full disk, a read-only replica, a failover in progress)."""
        async with self._uow() as uow:
            yield await uow.read_only()

    async def start(self, who: Identity, invitation_code: str | None = None) -> Reply:
        """Resume the active interview, or open a new one; a team's link is handled on the way.

        Someone who has not consented to anything yet gets their interview linked to the link
        (notice "invited", ``team`` names the team and the leads who will see the result): consenting
        joins them. Someone who consented before is never joined silently: "join_offer" (or
        "already_member"), and the front offers ``TeamService.join``. A refused code
        ("invitation_unknown", "…_revoked", "…_expired", "…_used_up", "…_throttled") changes nothing else.
        """
        async with self._uow() as uow:
            user = await self._user(uow, who)
            ctx = self.context(user, who)
            invitation = preview = notice = None
            if invitation_code:
                invitation, preview, notice = await invitation_for_start(
                    uow, user, invitation_code, self.invitation_attempts, self.clock()
                )
            link = None  # the invitation the interview joins on consent
            if invitation is not None and preview is not None:
                notice, link = await self._invited(uow, user, invitation, preview)
            row = await uow.interviews.active_for(user)
            if row is not None:
                relinked = link is not None and row.invitation_id != link.id
                if relinked:
                    await uow.invitations.attach(row, link)
                elif link is not None:
                    notice = "resumed"  # the same link again: nothing changes
                with self._restore(row, ctx) as iv:
                    prompt = iv.prompt()
                    await uow.transcripts.append(
                        row, "event", None, "resumed" + (" (invited)" if relinked else "")
                    )
                    await uow.transcripts.append(row, "prompt", prompt.key, prompt.text)
                    await uow.commit()
                    return self._reply(
                        ctx,
                        iv,
                        prompt=prompt,
                        interview_id=row.id,
                        version=row.version,
                        notice=notice or "resumed",
                        team=preview,
                    )
            with Interview.new(ctx) as iv:
                prompt = iv.prompt()
                row = await uow.interviews.start(user, iv.state, iv.snapshot(), link)
                await uow.transcripts.append(row, "event", None, "started" + (" (invited)" if link else ""))
                await uow.transcripts.append(row, "prompt", prompt.key, prompt.text)
                await uow.commit()
                return self._reply(
                    ctx,
                    iv,
                    prompt=prompt,
                    interview_id=row.id,
                    version=row.version,
                    notice=notice,
                    team=preview,
                )

    async def _invited(
        self, uow: UnitOfWork, user: User, invitation: InvitationRow, preview: InvitationPreview
    ) -> tuple[str, InvitationRow | None]:
        """What opening a usable link means for ``user``: the notice, and the invitation their
        interview joins on consent — only for someone who never agreed to anything, since they are
        told which team it is before they consent. A lead link is always offered, never linked."""
        if preview.already_lead if preview.grants == "lead" else preview.already_member:
            return "already_member", None
        if preview.grants == "lead" or await has_consented(uow, user):
            return "join_offer", None
        return "invited", invitation

    async def current(self, who: Identity, original: bool = False) -> Reply:
        """The prompt of the active interview, without changing anything; ``original`` asks for it in
        the standard's own (English) words."""
        async with self._read() as uow:
            user = await self._find(uow, who)
            ctx = self.context(user, who)
            row = None if user is None else await uow.interviews.active_for(user)
            # Finished, and maybe never shown (the bot stopped before sending it): point to the result.
            finished = row is None and user is not None and await self._has_result(uow, user)
            if row is None:
                return self._reply(ctx, notice="finished" if finished else "no_interview")
            with self._restore(row, ctx) as iv:
                prompt = iv.original() if original else iv.prompt()
                return self._reply(ctx, iv, prompt=prompt, interview_id=row.id, version=row.version)

    async def last_result(self, who: Identity) -> Reply | None:
        """The result of the person's latest interview when it is finished and none is active, else
        None; looking writes nothing.

        A front that would otherwise open a new assessment shows this first: the bot may have stopped
        after the interview finished but before its result reached the person.
        """
        async with self._read() as uow:
            user = await self._find(uow, who)
            if user is None or await uow.interviews.active_for(user) is not None:
                return None
            latest = (await uow.interviews.list_for_user(user) or [None])[-1]
            if latest is None or latest.status != InterviewStatus.FINISHED.value:
                return None
            ctx = self.context(user, who)
            with self._restore(latest, ctx) as iv:
                return self._reply(
                    ctx,
                    iv,
                    prompt=iv.prompt(),
                    interview_id=latest.id,
                    version=latest.version,
                    notice="finished",
                )

    async def _has_result(self, uow: UnitOfWork, user: User) -> bool:
        return bool(await uow.results.history_for(user))

    async def set_language(self, who: Identity, language: str) -> Reply:
        """Store the person's language; the reply is their current question in it (nothing is lost:
        only the words change)."""
        if language not in languages():
            raise ValueError(f"no catalogue for {language!r}")
        async with self._uow() as uow:
            user = await self._user(uow, who)
            user.language = language
            row = await uow.interviews.active_for(user)
            await uow.commit()
            ctx = self.context(user, who)
            if row is None:
                return self._reply(ctx, notice="language_changed")
            with self._restore(row, ctx) as iv:
                prompt = iv.prompt()
                return self._reply(
                    ctx,
                    iv,
                    prompt=prompt,
                    interview_id=row.id,
                    version=row.version,
                    notice="language_changed",
                )

    async def act(
        self,
        who: Identity,
        action: Action,
        expect: tuple[int, int] | None = None,
        *,
        message_id: int | None = None,
    ) -> Reply:
        """One action on the person's interview; ``expect`` (interview id, version) guards buttons.

        ``message_id`` is the chat message the pressed button sits on (a front with message ids
        passes it): the transcript keeps it with the answer, so a refused press of that same message
        is known for a repeat (``Reply.repeat``) and gets no new copy of the question.
        """
        raw = action.value if isinstance(action, Answer) else None
        return await self._operate(who, lambda iv: iv.apply(action), expect, raw, pressed=message_id)

    async def answer(self, who: Identity, value: Any, expect: tuple[int, int] | None = None) -> Reply:
        return await self.act(who, Answer(value), expect)

    async def type_text(
        self,
        who: Identity,
        text: str,
        expect: tuple[int, int] | None = None,
        *,
        message_id: int | None = None,
    ) -> Reply:
        """Typed text, read as the current question's kind reads it (numbers, option numbers, yes/no).

        ``message_id`` (the chat message of the text; the terminal has none) ties the text to the
        question it answers, see ``answers_earlier_question``: a text sent before the current
        question was shown is refused (notice ``"earlier_question"``) and changes nothing.
        """

        def operate(iv: Interview) -> Step:
            kind = kind_of(iv.prompt().kind)
            action = kind.read(text)
            if action is None:
                return Step(iv.prompt(error=kind.typed_error(iv.msg)), changed=False)
            return iv.apply(action)

        return await self._operate(who, operate, expect, text, typed=message_id)

    async def toggle(self, who: Identity, option_id: str, expect: tuple[int, int] | None = None) -> Reply:
        return await self._operate(who, lambda iv: iv.toggle(option_id), expect)

    async def done(self, who: Identity, expect: tuple[int, int] | None = None) -> Reply:
        return await self.act(who, Done(), expect)

    async def back(self, who: Identity, expect: tuple[int, int] | None = None) -> Reply:
        return await self.act(who, Back(), expect)

    async def restart(self, who: Identity) -> Reply:
        return await self.act(who, Restart())

    async def _operate(
        self,
        who: Identity,
        operation: Operation,
        expect: tuple[int, int] | None,
        raw: Any = None,
        *,
        typed: int | None = None,
        pressed: int | None = None,
    ) -> Reply:
        """``typed``: the message id of a typed answer; ``pressed``: the message a pressed button is on."""
        async with self._uow() as uow:
            user, row = await self._known_user(uow, who)
            ctx = self.context(user, who)
            if user is None:  # nothing kept about them (e.g. declined consent): nothing to operate on
                stale = expect is not None
                return self._reply(ctx, notice="stale" if stale else "no_interview", stale=stale)
            shown = LiveMessage(user.live_message_id)
            reply = await self._operate_on(uow, ctx, user, row, operation, expect, raw, typed, pressed)
            return replace(reply, live=shown)

    async def _operate_on(
        self,
        uow: UnitOfWork,
        ctx: Context,
        user: User,
        row: InterviewRow | None,
        operation: Operation,
        expect: tuple[int, int] | None,
        raw: Any,
        typed: int | None,
        pressed: int | None,
    ) -> Reply:
        """What the operation means once the person and their interview are loaded and locked: a
        button of another interview or version is refused (or, on a result, opens a new interview),
        a text typed for an earlier question is refused, anything else is applied."""
        if expect is not None and (row is None or row.id != expect[0]):
            finished = await uow.interviews.get(expect[0])
            if finished is not None and finished.user_id == user.id and row is None:
                return await self._after_finish(uow, ctx, user, finished, operation, expect)
            await uow.commit()
            return self._reply(ctx, stale=True, notice="stale")
        if row is None:
            latest = (await uow.interviews.list_for_user(user) or [None])[-1]
            if latest is not None and latest.status == InterviewStatus.FINISHED.value:
                return await self._after_finish(uow, ctx, user, latest, operation, None)
            notice = "finished" if await self._has_result(uow, user) else "no_interview"
            await uow.commit()
            return self._reply(ctx, notice=notice)
        if expect is not None and row.version != expect[1]:
            await uow.commit()
            # A refused press on the message the last answer came from is a repeat (five taps on one
            # button, a second tick before the first one's edit arrived): the first press's reply
            # shows what comes next. A refused press on any other message gets the question again.
            repeat = pressed is not None and row.last_message_id == pressed
            return self._stale(ctx, row, repeat=repeat)
        if typed is not None and answers_earlier_question(user, row, typed):
            with self._restore(row, ctx) as iv:
                return self._reply(
                    ctx, iv, interview_id=row.id, version=row.version, notice="earlier_question"
                )
        return await self._apply(uow, ctx, row, operation, raw, pressed if typed is None else typed)

    def _stale(self, ctx: Context, row: InterviewRow, *, repeat: bool = False) -> Reply:
        """A refused out-of-date button: the interview's current question, to show again (unless
        ``repeat``: then it is on its way or on screen already)."""
        with self._restore(row, ctx) as iv:
            return self._reply(
                ctx,
                iv,
                prompt=iv.prompt(),
                interview_id=row.id,
                version=row.version,
                stale=True,
                notice="stale",
                repeat=repeat,
            )

    async def _apply(
        self,
        uow: UnitOfWork,
        ctx: Context,
        row: InterviewRow,
        operation: Operation,
        raw: Any,
        message_id: int | None = None,
    ) -> Reply:
        """``message_id``: the chat message the answer came with, kept in the transcript entry."""
        via = {} if message_id is None else {MESSAGE: message_id}
        with self._restore(row, ctx) as iv:
            before = iv.prompt()
            was = iv.state
            step = operation(iv)
            if step.recorded is not None:
                key, value = step.recorded
                await uow.transcripts.append(
                    row, "answer", key, _answer_text(before, value), {"value": value, **via}
                )
            elif not step.changed and raw is not None:
                payload = {"value": _storable_raw(raw), "rejected": step.prompt.error or "", **via}
                await uow.transcripts.append(row, "answer", before.key, _clip(str(raw)), payload)
            elif step.event:
                await uow.transcripts.append(row, "event", before.key, step.event, via or None)
            if step.event == "decline":
                await self._discard(uow, row)
                await uow.commit()
                return self._reply(ctx, iv, prompt=step.prompt, previous=before)
            level = result_id = view = None
            if step.changed:
                if step.event != "toggle":  # the next question, numbered by the save with the answer
                    await uow.transcripts.append(row, "prompt", step.prompt.key, step.prompt.text)
                try:
                    await uow.interviews.save(row, iv.state, iv.snapshot(), row.version)
                except StaleInterviewError:
                    await uow.rollback()
                    return self._stale(ctx, await uow.interviews.refresh(row))
                if was == CONSENT and iv.state not in BEFORE_CONSENT and row.invitation_id is not None:
                    # Consent given to an interview opened through a team's link: the person joins
                    # the team they were told about, in this same transaction.
                    person = await uow.users.get(row.user_id)
                    team = None if person is None else await join_on_consent(uow, person, row, self.clock())
                    if person is not None and team is not None and self.reminder_after is not None:
                        await schedule_reminder(uow, person, row, self.clock() + self.reminder_after)
                if iv.finished:
                    level, result_id = await self._record_result(uow, row, iv)
                    view = iv.result()
            await uow.commit()
            return self._reply(
                ctx,
                iv,
                prompt=step.prompt,
                interview_id=row.id,
                version=row.version,
                finished_level=level,
                previous=before,
                result_id=result_id,
                result=view,
            )

    async def _discard(self, uow: UnitOfWork, row: InterviewRow) -> None:
        """Consent refused: keep nothing of this interview, nor the person if it was all we had."""
        user = await uow.users.get(row.user_id)
        await uow.interviews.delete(row)
        if (
            user is not None
            and not await uow.interviews.list_for_user(user)
            # A lead's teams and invitations, and memberships agreed to earlier, are kept too:
            # deleting the user would cascade to them.
            and not await uow.teams.leads_any(user)
            and not await uow.teams.has_membership(user)
            and not await uow.invitations.for_lead(user, include_revoked=True)
        ):
            await uow.users.delete(user)
        log.info("consent declined; the interview was discarded")

    async def _record_result(self, uow: UnitOfWork, row: InterviewRow, iv: Interview) -> tuple[int, int]:
        """The level reached and the id of the result row that keeps it."""
        profile, std = iv.profile(), iv.std
        assert profile is not None and std is not None, "a finished interview has a standard, field and role"
        evaluation = evaluate(parse_profile(profile, std), std)
        result = await uow.results.add(
            row, evaluation.field, evaluation.level, profile, evaluation.to_json(), (std.id, std.version)
        )
        await uow.interviews.finish(row)
        # In the same transaction as the result: the leads hear of it once, and no reminder follows.
        member = await uow.users.get(row.user_id)
        if member is not None:
            await notify_leads_of_finish(uow, member, result, self.clock())
        await cancel_reminders(uow, row)
        log.info("interview finished at level %s in %s", evaluation.level, evaluation.field)
        return evaluation.level, result.id

    async def _after_finish(
        self,
        uow: UnitOfWork,
        ctx: Context,
        user: User,
        finished: InterviewRow,
        operation: Operation,
        expect: tuple[int, int] | None,
    ) -> Reply:
        """A button on a result message: "start again" or "back to my answers" opens a new interview."""
        stale = expect is not None and finished.version != expect[1]
        if stale or finished.status != InterviewStatus.FINISHED.value:
            await uow.commit()
            return self._reply(ctx, stale=True, notice="stale")
        with self._restore(finished, ctx) as old:
            step = operation(old)
            if not step.changed:
                await uow.commit()
                return self._reply(
                    ctx, old, prompt=step.prompt, interview_id=finished.id, version=finished.version
                )
            snapshot = old.snapshot()
            state = old.state
            msg = old.msg
        invitation = await uow.invitations.get(finished.invitation_id) if finished.invitation_id else None
        row = await uow.interviews.start(user, state, snapshot, invitation)
        await uow.transcripts.append(row, "event", None, f"continued from interview {finished.id}")
        await uow.transcripts.append(row, "prompt", step.prompt.key, step.prompt.text)
        await uow.commit()
        return Reply(step.prompt, msg, row.id, row.version, previous=None)

    # --- results and data --------------------------------------------------------------------

    async def history(self, who: Identity) -> list[ResultRow]:
        async with self._read() as uow:
            user = await self._find(uow, who)
            if user is None:
                return []
            results = await uow.results.history_for(user)
            return [
                ResultRow(
                    r.id,
                    r.field,
                    r.level,
                    r.created_at,
                    dict(r.profile),
                    dict(r.evaluation),
                    r.interview_id,
                    r.standard_id,
                    r.standard_version,
                )
                for r in results
            ]

    async def export(self, who: Identity) -> dict[str, Any] | None:
        """The latest finished assessment, else the one in progress: what the person can take elsewhere.

        The profile is in the interchange format; beside it, which standard (id and version) and, for
        a finished one, the level it reached, so the file says what it is without the bot.
        """
        async with self._read() as uow:
            user = await self._find(uow, who)
            if user is None:
                return None
            ctx = self.context(user, who)
            results = await uow.results.history_for(user)
            row = await uow.interviews.active_for(user)
        if results:
            latest = results[0]
            return _export(latest.standard_id, latest.standard_version, latest.level, dict(latest.profile))
        if row is not None:
            with self._restore(row, ctx) as iv:
                profile, std = iv.profile(), iv.std
            if profile is not None and std is not None:
                return _export(std.id, std.version, None, profile)
        return None

    async def latest_result(self, who: Identity) -> tuple[ResultView, Messages] | None:
        """The person's newest result, worded in their language against the standard that judged it."""
        history = await self.history(who)
        if not history:
            return None
        latest = history[0]
        msg = (await self.words(who)).for_standard(self.standards.get(latest.standard_id))
        std = msg.standard
        assert std is not None
        return build_result(parse_profile(latest.profile, std), std, msg, latest.created_at.date()), msg

    def words_for(self, msg: Messages, standard_id: str | None) -> Messages:
        """``msg`` for another standard (a history line, a team member's result)."""
        return msg.for_standard(self.standards.get(standard_id))

    async def swap_live_message(
        self, who: Identity, message_id: int, shown: LiveMessage | None = None
    ) -> int | None:
        """Record the message now showing the person's question; returns the one it replaces (whose
        buttons the front removes), None if there was none or it is the same message.

        ``shown`` is what the operation that led here read (``Reply.live``): then one conditional
        ``UPDATE … WHERE live_message_id IS <that>`` does it, a statement of its own; only when another
        update of the person swapped in between does it take the person's lock and read again.
        """
        try:
            if shown is not None and who.telegram_id is not None:
                if shown.id == message_id:
                    return None
                async with self._uow() as uow:
                    if await uow.users.swap_live_message(who.telegram_id, shown.id, message_id):
                        return shown.id
            async with self._uow() as uow:
                user = await self._find(uow, who, lock=True)
                if user is None or user.live_message_id == message_id:
                    return None
                old, user.live_message_id = user.live_message_id, message_id
                await uow.commit()
        except (DBAPIError, OSError) as error:
            # The question was sent; only the bookkeeping failed (e.g. the database refuses writes
            # or is unreachable during an outage): an older copy keeps its buttons, which the
            # version check guards.
            log.warning("could not record the message showing a question (%s)", type(error).__name__)
            return None
        return old

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
            await uow.teams.delete_without_leads()  # nobody could see or manage them any more
            await uow.commit()
            log.info("a user deleted their data")
            return True


def answers_earlier_question(user: User, row: InterviewRow, message_id: int) -> bool:
    """Whether a typed text (chat message ``message_id``) was sent before the current question was
    shown, and so answers an earlier one (a late redelivery, a duplicate, a text overtaken by a
    button press).

    Telegram numbers the messages of a private chat in one increasing sequence, the person's and
    the bot's alike, so the comparison is exact — unlike the messages' ``date``, which has
    one-second resolution and the sender's clock. Two rules:

    - older than the message now showing the question (``users.live_message_id``): typed while an
      earlier question was on screen;
    - not newer than the message the last answer (or tick) came with (``interviews.last_message_id``,
      kept with the transcript): the same text again, or one typed before it — this holds even
      before the next question is sent.

    The price: a text typed in the instant after a refused one, before the question came again,
    is refused too (it is said so, and the person types it again).
    """
    if user.live_message_id is not None and message_id < user.live_message_id:
        return True
    taken = row.last_message_id
    return taken is not None and message_id <= taken


def _first_language(who: Identity) -> str:
    """On first contact a person reads levelcheck in their client's language, when it has one."""
    return supported_language(who.language_code) or DEFAULT_LANGUAGE


def _export(standard_id: str, version: str, level: int | None, profile: dict[str, Any]) -> dict[str, Any]:
    return {"standard": standard_id, "standard_version": version, "level": level, "profile": profile}


#: The most characters of what a person typed that a transcript keeps (in its text and its payload).
CLIP = 2000


def _clip(text: str, limit: int = CLIP) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _storable_raw(raw: Any) -> Any:
    """A refused input as the transcript keeps it: clipped like its text, so 4,096 typed characters
    (or a forged value) are not stored twice in full for every refusal."""
    if isinstance(raw, bool | int):
        return raw
    if isinstance(raw, str):
        return _clip(raw)
    if isinstance(raw, list) and len(json.dumps(raw, ensure_ascii=False, default=repr)) <= CLIP:
        return raw
    return _clip(repr(raw))


def _answer_text(prompt: Prompt, value: Any) -> str:
    """The answer as the person saw it (option labels), so a transcript reads like the chat."""
    if prompt.kind in (Kind.SINGLE, Kind.MULTI, Kind.YESNO) and prompt.options:
        values = value if isinstance(value, list) else [value]
        ids = {("yes" if v else "no") if isinstance(v, bool) else str(v) for v in values}
        labels = [o.label for o in prompt.options if o.id in ids]
        return "; ".join(labels) if labels else "(none)"
    band = Band.from_stored(value)
    if band is not None:  # a band button ("3–4"): its label, as pressed, not the stored dict
        return next((o.label for o in prompt.options if o.id == band.id), band.id)
    return _clip(str(value))
