"""The interview's state machine: states and guarded transitions, declared once for all interviews.

One ``transitions`` machine serves every interview (``add_model(model, initial=saved_state)``).
States are the kinds of question; which instance is asked ("project.2.size", "themes.4") lives in
the model's cursor. The destinations of ``proceed``, ``back`` and ``edit`` are decided by the plan
and the history, and the guards only let the transition through that matches that decision, so
the table below is the complete map of where the dialogue can go.
"""

from __future__ import annotations

from typing import Any

from transitions import EventData, Machine, State

CONSENT = "consent"
DECLINED = "declined"
REVIEW = "review"
RESULT = "result"
#: "Changing the field clears these answers: change it?" — between the field question and the rest.
FIELD_CHANGE = "field_change"
QUESTION_STATES: tuple[str, ...] = (
    "standard",  # only when several standards are offered
    "field",
    "role",
    "project_count",
    "project_complexity",
    "project_size",
    "project_scope",  # measured fields (facility management): the scope, then each quantity
    "project_quantity",
    "themes",
    "accomplishments",
    "mentoring",
    "involvement",
    "common_complexity",
    "common_themes",
)
STATES: tuple[str, ...] = (CONSENT, DECLINED, *QUESTION_STATES, FIELD_CHANGE, REVIEW, RESULT)

_ASKING = [*QUESTION_STATES]
_MOVABLE = [*QUESTION_STATES, REVIEW]

TRANSITIONS: list[dict[str, object]] = [
    *(
        {
            "trigger": "accept_consent",
            "source": CONSENT,
            "dest": dest,
            "conditions": "is_target",
            "after": "arrive",
        }
        for dest in ("standard", "field")
    ),
    {"trigger": "decline_consent", "source": CONSENT, "dest": DECLINED, "after": "arrive"},
    # Forward: to whichever question the plan names next, or to the review when nothing is left
    # (from the field change confirmation too, whether the change was made or declined).
    *(
        {
            "trigger": "proceed",
            "source": [*_ASKING, FIELD_CHANGE],
            "dest": dest,
            "conditions": "is_target",
            "after": "arrive",
        }
        for dest in _MOVABLE
    ),
    # Another field would clear answers: say which, and ask first.
    {"trigger": "confirm_change", "source": "field", "dest": FIELD_CHANGE, "after": "arrive"},
    # Back: to the previous entry of the real history (never "the state declared before").
    *(
        {
            "trigger": "step_back",
            "source": [*_MOVABLE, FIELD_CHANGE, RESULT],
            "dest": dest,
            "conditions": "is_target",
            "after": "arrive",
        }
        for dest in _MOVABLE
    ),
    # Edit: from the review, to the question whose answer the person wants to change.
    *(
        {"trigger": "open_edit", "source": REVIEW, "dest": dest, "conditions": "is_target", "after": "arrive"}
        for dest in _ASKING
    ),
    {"trigger": "finish", "source": REVIEW, "dest": RESULT, "after": "arrive"},
    *(
        {
            "trigger": "start_over",
            "source": [*_MOVABLE, FIELD_CHANGE, RESULT],
            "dest": dest,
            "conditions": "is_target",
            "after": "arrive",
        }
        for dest in ("standard", "field")
    ),
    {"trigger": "start_over", "source": DECLINED, "dest": CONSENT, "after": "arrive"},
]


class InterviewModel:
    """What the machine needs of a model: a target cursor to check guards against, and arrival."""

    target: str
    cursor: str

    def is_target(self, event: EventData) -> bool:
        from dialogs.questions import state_of

        return state_of(self.target) == event.transition.dest

    def arrive(self, event: EventData) -> None:
        self.cursor = self.target


class _LeanMachine(Machine):  # type: ignore[misc]
    """A machine that binds to each model only its triggers.

    Every press restores an interview and adds it to the machine; stock ``add_model`` also binds an
    ``is_<state>`` and a ``may_<trigger>`` partial per state and trigger (some thirty), which nothing
    here calls and which cost a third of a press's dialogue time. Models declare no ``on_enter_*``
    methods (arrival is the ``after`` callback of every transition), which is the other thing the
    skipped step looks for; ``test_machine`` pins both.
    """

    def _add_model_to_state(self, state: State, model: Any) -> None:
        return None

    def _add_may_transition_func_for_trigger(self, trigger: str, model: Any) -> None:
        return None


def build_machine() -> Machine:
    return _LeanMachine(
        model=None,
        states=list(STATES),
        transitions=TRANSITIONS,
        initial=CONSENT,
        auto_transitions=False,
        send_event=True,
    )


#: The single machine every interview is added to.
MACHINE = build_machine()
