"""Storage failures the callers are expected to handle, as opposed to bugs or outages."""

from __future__ import annotations


class StorageError(Exception):
    """Base for the storage errors a handler may catch to tell the user something sensible."""


class StaleInterviewError(StorageError):
    """Someone saved the interview after the caller read it (a second device, a double click on an old
    button); the caller's changes were NOT written and it should reload and decide again."""

    def __init__(self, interview_id: int, expected_version: int, actual_version: int | None) -> None:
        self.interview_id = interview_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        actual = "unknown" if actual_version is None else str(actual_version)
        super().__init__(
            f"interview {interview_id} was changed concurrently: expected version {expected_version}, "
            f"found {actual}; nothing was saved"
        )


class ActiveInterviewExistsError(StorageError):
    """A user may run only one interview at a time; finish or abandon the current one first."""

    def __init__(self, user_id: int, interview_id: int | None) -> None:
        self.user_id = user_id
        self.interview_id = interview_id
        which = "" if interview_id is None else f" ({interview_id})"
        super().__init__(f"user {user_id} already has an active interview{which}")


class InterviewNotActiveError(StorageError):
    """Writing into a finished or abandoned interview would rewrite a result the user already saw."""

    def __init__(self, interview_id: int, status: str) -> None:
        self.interview_id = interview_id
        self.status = status
        super().__init__(f"interview {interview_id} is {status}, not active")


class MigrationError(StorageError):
    """The schema could not be brought to the version this code expects; starting anyway would corrupt
    data, so the process should stop."""
