"""The exceptions of the credence package: one class per kind of error of the C ABI.

Every message is the text the `credence` command line prints after ``Error: ``.
"""
from __future__ import annotations


class CredenceError(Exception):
    """Base class of every error Credence reports; ``status`` is the C ABI's code."""

    status: int = 0

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        """The message, as the command line prints it."""
        return str(self.args[0]) if self.args else ""


class UsageError(CredenceError, ValueError):
    """A bad argument or option (an unknown method, a malformed finding)."""

    status = 1


class FormatError(CredenceError, ValueError):
    """A model or table that does not read; the message has file:line:column."""

    status = 2


class ModelError(CredenceError, ValueError):
    """A name the model does not know, or an edit it refuses (a cycle, a bad table)."""

    status = 3


class InferenceError(CredenceError):
    """A question the engine cannot answer: evidence of probability zero, a memory budget."""

    status = 4


class LearningError(CredenceError):
    """Learning that cannot proceed (no rows, a variable without data)."""

    status = 5


class CredenceIOError(CredenceError, OSError):
    """A file that cannot be read or written."""

    status = 6


class ArgumentError(CredenceError, ValueError):
    """A call the C ABI refused (a buffer of the wrong size): a bug in this package."""

    status = 7


class InternalError(CredenceError):
    """Anything else: a bug in Credence."""

    status = 8


_BY_STATUS = {c.status: c for c in (UsageError, FormatError, ModelError, InferenceError, LearningError,
                                    CredenceIOError, ArgumentError, InternalError)}


def error_for(status: int, message: str) -> CredenceError:
    """The exception of a C ABI status and message."""
    return _BY_STATUS.get(status, CredenceError)(message, status)
