"""One person's interview: answers, cursor, history, and the operations fronts call.

Everything a front end can do is a method that returns a ``Step``: the prompt to show next and
what, if anything, was recorded. A bad value never changes anything; it returns the same prompt
with a reason. The whole interview serializes to plain JSON (``snapshot``) and restores exactly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from criteria import SOURCE_LANGUAGE, Evaluation, Standard, parse_profile
from dialogs.actions import Action, Answer, Back, Choose, Done, Restart, Toggle
from dialogs.context import Context
from dialogs.kinds import kind_of
from dialogs.machine import CONSENT, DECLINED, FIELD_CHANGE, MACHINE, RESULT, REVIEW, InterviewModel
from dialogs.messages import Messages
from dialogs.plan import Plan, evaluate_answers, plan_for, profile_json
from dialogs.prompt import Kind, Option, Progress, Prompt
from dialogs.questions import (
    STANDARD,
    AnswerError,
    Question,
    build_question,
    field_asks,
    project_part,
    selected_ids,
    standard_question,
    validate,
)
from dialogs.result import ResultView, build_result
from dialogs.typed import parse_yes_no

SNAPSHOT_FORMAT = 2
#: Format 1 (before standards were named) had one state per facility quantity.
_FORMAT_1_STATES = {"project_rooms": "project_quantity", "project_area": "project_quantity"}
_FORMAT_1_STATES["project_sites"] = "project_quantity"
CONFIRM = "confirm"
EDIT_PREFIX = "edit:"
RESTART = "restart"
BACK_TO_REVIEW = "review"
#: Answers that every other field-specific answer depends on: changing them drops those.
FIELD_DEPENDENT_PREFIXES = ("project.", "themes.", "accomplishments")


@dataclass(frozen=True, slots=True)
class Step:
    """What happened: the prompt to show, whether anything changed, and what answer was stored."""

    prompt: Prompt
    changed: bool
    recorded: tuple[str, Any] | None = None
    event: str | None = None


class Interview(InterviewModel):
    """A model of the shared machine. Use as a context manager (or call ``close``) to detach it."""

    state: str

    def __init__(
        self,
        context: Context,
        *,
        state: str = CONSENT,
        cursor: str = CONSENT,
        answers: dict[str, Any] | None = None,
        history: list[str] | None = None,
        draft: list[str] | None = None,
        editing: bool = False,
        standard: str | None = None,
        pending: str | None = None,
    ) -> None:
        self.ctx = context
        self.cursor = cursor
        self.target = cursor
        self.answers: dict[str, Any] = copy.deepcopy(answers or {})
        self.history: list[str] = list(history or [])
        self.draft = draft
        self.editing = editing
        #: The field chosen at the field question, waiting for "yes, clear those answers" (FIELD_CHANGE).
        self.pending = pending
        if STANDARD in self.answers:
            standard = None  # the person's own choice decides (see standard_id)
        elif standard is None and not context.choosing:
            standard = context.standards.default.id
        self._standard = standard
        self._resolve()
        MACHINE.add_model(self, initial=state)

    def _resolve(self) -> None:
        """The standard and the words follow the answers: choosing another standard changes both."""
        standard_id = self.standard_id
        self.std: Standard | None = None if standard_id is None else self.ctx.standards.get(standard_id)
        self.msg = self.ctx.words(self.std)

    @property
    def standard_id(self) -> str | None:
        """The standard this interview is judged against: chosen by the person, or given at the start."""
        chosen = self.answers.get(STANDARD)
        return chosen if isinstance(chosen, str) else self._standard

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def new(cls, context: Context) -> Interview:
        return cls(context)

    @classmethod
    def restore(cls, snapshot: dict[str, Any], context: Context) -> Interview:
        """The interview a snapshot describes, in this request's language (standards stay as saved)."""
        form = snapshot.get("format")
        if form not in (1, SNAPSHOT_FORMAT):
            raise ValueError(f"unsupported interview snapshot format {form!r}")
        state = snapshot["state"]
        standard = snapshot.get("standard")
        if form == 1:  # before standards had ids, every interview was ITSS V2 Customer Service
            state = _FORMAT_1_STATES.get(state, state)
            standard = standard or context.standards.get(None).id
        return cls(
            context,
            state=state,
            cursor=snapshot["cursor"],
            answers=snapshot["answers"],
            history=snapshot["history"],
            draft=snapshot.get("draft"),
            editing=snapshot.get("editing", False),
            pending=snapshot.get("pending"),
            standard=standard,
        )

    def snapshot(self) -> dict[str, Any]:
        """Plain JSON: restoring it gives an interview in exactly this position."""
        return {
            "format": SNAPSHOT_FORMAT,
            "standard": self.standard_id,
            "state": self.state,
            "cursor": self.cursor,
            "answers": copy.deepcopy(self.answers),
            "history": list(self.history),
            "draft": None if self.draft is None else list(self.draft),
            "editing": self.editing,
            "pending": self.pending,
        }

    def close(self) -> None:
        """Detach from the shared machine so a long-running bot does not keep every model alive."""
        if self in MACHINE.models:
            MACHINE.remove_model(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- queries -----------------------------------------------------------------------------

    @property
    def status(self) -> str:
        if self.state in (CONSENT, DECLINED, REVIEW, RESULT):
            return {CONSENT: "consent", DECLINED: "declined", REVIEW: "review", RESULT: "finished"}[
                self.state
            ]
        return "asking"

    @property
    def finished(self) -> bool:
        return self.state == RESULT

    def plan(self) -> Plan:
        chooses = STANDARD in self.answers or self.std is None
        if self.std is None:
            return Plan((STANDARD,), complete=False)
        plan = plan_for(self.answers, self.std)
        return Plan(((STANDARD,) if chooses else ()) + plan.keys, plan.complete)

    def relevant_answers(self) -> dict[str, Any]:
        """The answers to the questions the interview now consists of (what the review shows).

        Answers that fell out of the plan are kept, so undoing a change brings them back, but they
        are neither exported nor evaluated.
        """
        keys = set(self.plan().keys)
        return {k: v for k, v in self.answers.items() if k in keys}

    def profile(self) -> dict[str, Any] | None:
        """The answers in the foundation's profile JSON format (for export and for criteria)."""
        return None if self.std is None else profile_json(self.relevant_answers(), self.std)

    def evaluation(self) -> Evaluation | None:
        return None if self.std is None else evaluate_answers(self.relevant_answers(), self.std)

    def result(self) -> ResultView | None:
        profile = self.profile()
        if profile is None or self.std is None or not self.plan().complete:
            return None
        return build_result(parse_profile(profile, self.std), self.std, self.msg)

    def question(self) -> Question | None:
        if self.state in (CONSENT, DECLINED, FIELD_CHANGE, REVIEW, RESULT):
            return None
        return self._build(self.cursor)

    def _build(self, key: str) -> Question:
        if key == STANDARD:
            return standard_question(self.ctx.standards.offered, self.msg)
        assert self.std is not None, "every other question comes after the standard"
        return build_question(key, self.answers, self.std, self.msg)

    def original(self) -> Prompt:
        """The current prompt in the standard's own language (the seed's words), for people who want
        to check a translation against the source of truth."""
        translated = self.msg
        self.msg = Messages(SOURCE_LANGUAGE, self.std)
        try:
            return self.prompt()
        finally:
            self.msg = translated

    def prompt(self, error: str | None = None) -> Prompt:
        can_back = bool(self.history)
        if self.state == CONSENT:
            options = (Option("yes", self.msg("consent.yes")), Option("no", self.msg("consent.no")))
            title = self.msg.standard_title() if self.std is not None else self.msg("standards.any")
            return Prompt(CONSENT, Kind.YESNO, self.msg("consent.text", title=title), options, error=error)
        if self.state == DECLINED:
            return Prompt(DECLINED, Kind.INFO, self.msg("declined.text"), error=error)
        if self.state == REVIEW:
            return self._review_prompt(error, can_back)
        if self.state == FIELD_CHANGE:
            return self._field_change_prompt(error, can_back)
        if self.state == RESULT:
            return self._result_prompt(error, can_back)
        question = self.question()
        assert question is not None
        stored = self.answers.get(question.key)
        chosen = frozenset(self.draft) if self.draft is not None else selected_ids(question, stored)
        options = tuple(Option(o.id, o.label, o.id in chosen) for o in question.options)
        return Prompt(
            question.key,
            question.kind,
            question.text,
            options,
            value=stored,
            minimum=question.minimum,
            maximum=question.maximum,
            progress=self._progress(),
            error=error,
            can_go_back=can_back,
            translated=self.msg.language != SOURCE_LANGUAGE,
        )

    def _progress(self) -> Progress:
        """The question's place in the interview as it stands, and during a project which one of how
        many: both are facts about the answers given, so the count never jumps nor runs ahead."""
        keys = self.plan().keys
        number = keys.index(self.cursor) + 1 if self.cursor in keys else len(keys)
        part = project_part(self.cursor)
        count = self.answers.get("project_count")
        if part is not None and isinstance(count, int) and part[0] <= count:
            text = self.msg("progress.project", project=part[0], projects=count, n=number)
            return Progress(number, text, part[0], count)
        return Progress(number, self.msg("progress", n=number))

    def _review_prompt(self, error: str | None, can_back: bool) -> Prompt:
        lines = []
        options = [Option(CONFIRM, self.msg("review.confirm"))]
        for key in self.plan().keys:
            question = self._build(key)
            answer = self.describe_answer(question, self.answers.get(key))
            lines.append(self.msg("review.line", question=question.label, answer=answer))
            options.append(Option(EDIT_PREFIX + key, self.msg("review.edit", question=question.label)))
        text = self.msg("review.text") + "\n\n" + "\n".join(lines)
        return Prompt(
            REVIEW, Kind.SINGLE, text, tuple(options), error=error, can_go_back=can_back, details=tuple(lines)
        )

    def _result_prompt(self, error: str | None, can_back: bool) -> Prompt:
        view = self.result()
        text = view.render(self.msg) if view else ""
        options = (
            Option(RESTART, self.msg("result.restart")),
            Option(BACK_TO_REVIEW, self.msg("result.review")),
        )
        return Prompt(RESULT, Kind.SINGLE, text, options, error=error, can_go_back=can_back)

    def describe_answer(self, question: Question, value: Any) -> str:
        return kind_of(question.kind).describe(question, value, self.msg)

    # --- commands ----------------------------------------------------------------------------

    def apply(self, action: Action) -> Step:
        """One front-neutral action; positions refer to the options of the prompt shown now."""
        match action:
            case Answer(value):
                return self.answer(value)
            case Choose(index):
                options = self.prompt().options
                if not 0 <= index < len(options):
                    return self._same(self.msg("error.choice"))
                return self.answer(options[index].id)
            case Toggle(indices):
                return self.toggle_many(indices)
            case Done():
                return self.done()
            case Back():
                return self.back()
            case Restart():
                return self.restart()
        raise TypeError(f"not an action: {action!r}")

    def _fire(self, trigger: str, target: str) -> None:
        self.target = target
        self.draft = None
        if target != FIELD_CHANGE:  # leaving the confirmation any way (yes, no, back, restart) settles it
            self.pending = None
        if not getattr(self, trigger)():
            raise RuntimeError(f"transition {trigger} to {target} refused in state {self.state}")

    def _same(self, error: str) -> Step:
        return Step(self.prompt(error=error), changed=False)

    def answer(self, value: Any) -> Step:
        """Store a valid answer (or act on a review/result choice) and move on."""
        if self.state == CONSENT:
            return self._consent(value)
        if self.state == DECLINED:
            return self._same(self.msg("error.not_now"))
        if self.state == REVIEW:
            return self._review_choice(value)
        if self.state == FIELD_CHANGE:
            return self._field_change_choice(value)
        if self.state == RESULT:
            return self._result_choice(value)
        question = self.question()
        assert question is not None
        try:
            stored = validate(question, value, self.msg)
        except AnswerError as exc:
            return self._same(str(exc))
        if question.key == "field" and self._field_change(stored)[0]:
            self.pending = stored
            self.history.append(question.key)
            self._fire("confirm_change", FIELD_CHANGE)
            return Step(self.prompt(), changed=True, event="field_change")
        self._store(question.key, stored)
        self.history.append(question.key)
        self._fire("proceed", self._next_after(question.key))
        return Step(self.prompt(), changed=True, recorded=(question.key, stored), event="answer")

    def done(self) -> Step:
        """Finish a checklist with what is ticked now (the draft, else the stored answer)."""
        prompt = self.prompt()
        if prompt.kind is not Kind.MULTI:
            return self._same(self.msg("error.not_now"))
        return self.answer(list(prompt.selected))

    def toggle(self, option_id: str) -> Step:
        """Tick or untick one checklist option; kept in the snapshot so nothing ticked is lost."""
        prompt = self.prompt()
        if prompt.kind is not Kind.MULTI:
            return self._same(self.msg("error.not_now"))
        if option_id not in {o.id for o in prompt.options}:
            return self._same(self.msg("error.checklist"))
        return self._set_draft(prompt, set(prompt.selected) ^ {option_id})

    def toggle_many(self, indices: tuple[int, ...]) -> Step:
        """Tick or untick several options at once ("1 4" typed): all of them, or none if one is off.
        Each position flips its box, so "2 2" ticks and unticks as two presses would."""
        prompt = self.prompt()
        if prompt.kind is not Kind.MULTI:
            return self._same(self.msg("error.not_now"))
        if not indices or not all(0 <= i < len(prompt.options) for i in indices):
            return self._same(self.msg("error.checklist"))
        current = set(prompt.selected)
        for i in indices:
            current ^= {prompt.options[i].id}
        return self._set_draft(prompt, current)

    def _set_draft(self, prompt: Prompt, current: set[str]) -> Step:
        self.draft = [o.id for o in prompt.options if o.id in current]
        return Step(self.prompt(), changed=True, event="toggle")

    def back(self) -> Step:
        """To the latest visited prompt that still belongs to the interview.

        Entries the answers have since made irrelevant (a dropped project, another field's
        questions, a review while questions are open) are passed over, never shown again.
        """
        plan = self.plan()
        for position in range(len(self.history) - 1, -1, -1):
            previous = self.history[position]
            if previous in plan.keys or (previous == REVIEW and plan.complete):
                break
        else:
            return self._same(self.msg("error.nothing_to_go_back"))
        del self.history[position:]
        self.editing = self.editing and previous != REVIEW
        self._fire("step_back", previous)
        return Step(self.prompt(), changed=True, event="back")

    def edit(self, key: str) -> Step:
        if self.state != REVIEW or key not in self.plan().keys:
            return self._same(self.msg("error.not_editable"))
        self.history.append(REVIEW)
        self.editing = True
        self._fire("open_edit", key)
        return Step(self.prompt(), changed=True, event="edit")

    def restart(self) -> Step:
        """Start over, keeping only the consent: a restart is a new attempt, not a new person."""
        if self.state == CONSENT:
            return Step(self.prompt(), changed=False)  # nothing to start over yet
        if STANDARD in self.answers:  # the standard was a question: ask it again
            self._standard = None if self.ctx.choosing else self.ctx.standards.default.id
        self.answers.clear()
        self.history.clear()
        self.editing = False
        self._resolve()
        self._fire("start_over", CONSENT if self.state == DECLINED else self.plan().keys[0])
        return Step(self.prompt(), changed=True, event="restart")

    def confirm(self) -> Step:
        if self.state != REVIEW:
            return self._same(self.msg("error.not_now"))
        plan = self.plan()
        self.history.append(REVIEW)
        if not plan.complete:  # e.g. a snapshot from an older version: ask what is missing first
            self.editing = True
            self._fire("open_edit", plan.keys[-1])
            return Step(self.prompt(), changed=True, event="edit")
        self._fire("finish", RESULT)
        return Step(self.prompt(), changed=True, event="finish")

    # --- changing the field ------------------------------------------------------------------

    def _field_dependent(self) -> list[str]:
        """Stored answers that mean something only in the chosen field (its items, levels, sizes)."""
        return [k for k in self.answers if k.startswith(FIELD_DEPENDENT_PREFIXES)]

    def _same_in(self, key: str, field: str) -> bool:
        """Whether ``field`` asks question ``key`` exactly as the current field does (same kind, same
        options, same bounds) and accepts the stored answer: only then is the answer kept."""
        assert self.std is not None
        fields = (self.std.fields[field], self.std.fields[self.answers["field"]])
        if not all(field_asks(spec, key) for spec in fields):
            return False
        old = self._build(key)
        new = build_question(key, {**self.answers, "field": field}, self.std, self.msg)
        shape = (old.kind, [o.id for o in old.options], old.minimum, old.maximum, old.bands)
        if shape != (new.kind, [o.id for o in new.options], new.minimum, new.maximum, new.bands):
            return False
        try:
            return validate(new, self.answers[key], self.msg) == self.answers[key]
        except AnswerError:
            return False

    def _field_change(self, field: str) -> tuple[list[str], list[str]]:
        """(cleared, kept): of the field-dependent answers the person now sees in the interview, those
        another ``field`` would clear and those it keeps. Answers already out of the interview (kept
        only so an undo restores them) follow the same rule silently: nobody sees them go."""
        current = self.answers.get("field")
        if self.std is None or current is None or current == field:
            return [], []
        dependent = set(self._field_dependent())
        shown = [k for k in self.plan().keys if k in dependent]
        kept = [k for k in shown if self._same_in(k, field)]
        return [k for k in shown if k not in kept], kept

    def _field_change_prompt(self, error: str | None, can_back: bool) -> Prompt:
        """Which answers the new field clears (and keeps), before anything is cleared."""
        assert self.pending is not None
        cleared, kept = self._field_change(self.pending)
        old, new = self.msg.field_name(self.answers.get("field")), self.msg.field_name(self.pending)

        def listed(keys: list[str]) -> str:
            return "\n".join(self.msg("field_change.line", question=self._build(k).label) for k in keys)

        parts = [self.msg("field_change.text", old_field_name=old, field_name=new, answers=listed(cleared))]
        if kept:
            parts.append(self.msg("field_change.kept", field_name=new, answers=listed(kept)))
        parts.append(self.msg("field_change.question"))
        options = (
            Option("yes", self.msg("field_change.yes")),
            Option("no", self.msg("field_change.no", field_name=old)),
        )
        text = "\n\n".join(parts)
        return Prompt(FIELD_CHANGE, Kind.YESNO, text, options, error=error, can_go_back=can_back)

    def _field_change_choice(self, value: Any) -> Step:
        """Yes: the new field, with what it clears cleared. No: the field stays, as if it had been
        chosen again (from an edit that is the review, unchanged)."""
        choice: bool | None = None
        if isinstance(value, bool):
            choice = value
        elif isinstance(value, str):
            choice = value == "yes" if value in ("yes", "no") else parse_yes_no(value)
        if choice is None:
            return self._same(self.msg("error.yesno"))
        field = self.pending
        assert field is not None
        if not choice:
            self._fire("proceed", self._next_after("field"))
            return Step(self.prompt(), changed=True, event="field_kept")
        self._store("field", field)
        self._fire("proceed", self._next_after("field"))
        return Step(self.prompt(), changed=True, recorded=("field", field), event="answer")

    # --- internals ---------------------------------------------------------------------------

    def _consent(self, value: Any) -> Step:
        if isinstance(value, str):
            value = parse_yes_no(value)  # the option ids "yes"/"no", or yes/no words typed in any language
        if value is True:
            self._fire("accept_consent", self.plan().keys[0])
            return Step(self.prompt(), changed=True, recorded=("consent", True), event="consent")
        if value is False:
            self._fire("decline_consent", DECLINED)
            return Step(self.prompt(), changed=True, recorded=("consent", False), event="decline")
        return self._same(self.msg("error.yesno"))

    def _review_choice(self, value: Any) -> Step:
        if value == CONFIRM:
            return self.confirm()
        if isinstance(value, str) and value.startswith(EDIT_PREFIX):
            return self.edit(value.removeprefix(EDIT_PREFIX))
        return self._same(self.msg("error.choice"))

    def _result_choice(self, value: Any) -> Step:
        if value == RESTART:
            return self.restart()
        if value == BACK_TO_REVIEW:
            return self.back()
        return self._same(self.msg("error.finished"))

    def _store(self, key: str, value: Any) -> None:
        if key == STANDARD and self.answers.get(STANDARD) not in (None, value):
            self.answers.clear()  # another standard: none of the other answers mean anything there
        if key == "field" and self.answers.get("field") not in (None, value):
            for k in self._field_dependent():
                if not self._same_in(k, value):
                    del self.answers[k]
        self.answers[key] = value
        if key == STANDARD:
            self._resolve()

    def _next_after(self, key: str) -> str:
        """Walking forward (also after "back"): the next planned question, answered or not.

        After an edit from the review only what the change invalidated is asked, then the review.
        """
        plan = self.plan()
        if self.editing:
            if plan.complete:
                self.editing = False
                return REVIEW
            return plan.keys[-1]
        keys = plan.keys
        if key in keys and keys.index(key) + 1 < len(keys):
            return keys[keys.index(key) + 1]
        return REVIEW if plan.complete else keys[-1]
