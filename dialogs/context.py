"""The context of one request: which standards and which language the dialogue works in.

The service resolves it for every operation (the person's stored language, the standards the
deployment offers) and hands it to the interview; nothing in the dialogue reaches for a
process-wide standard or locale, so two people in two languages on two standards can be served by
the same process, one request after the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from criteria import Standard, StandardSet
from dialogs.messages import DEFAULT_LANGUAGE, Messages, languages


@dataclass(frozen=True, slots=True)
class Context:
    standards: StandardSet
    language: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        if self.language not in languages():
            raise ValueError(f"no message catalogue for language {self.language!r}")

    @classmethod
    def default(cls, language: str = DEFAULT_LANGUAGE) -> Context:
        """The packaged default standard alone: for bootstraps and tests, never reached from inside."""
        return cls(StandardSet.from_references(()), language)

    @property
    def choosing(self) -> bool:
        """Whether a new interview first asks which standard (only when several are offered)."""
        return len(self.standards.offered) > 1

    def words(self, standard: Standard | None) -> Messages:
        return Messages(self.language, standard)

    def with_language(self, language: str) -> Context:
        return Context(self.standards, language)
