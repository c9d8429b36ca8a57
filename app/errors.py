"""The one vocabulary of refusals, shared by actions, queries and handlers.

An action or query raises one of these; `app.web.errors.app_error_handler` turns an unhandled one into
the page a user expects (404, 400 or 409, in the user's language, never a stack trace). A handler catches
one only when it shows the form again with the message beside it.

- `NotFound`: not there, or not the actor's to see or change. Answered 404, never 403, so ids tell nothing.
- `Refused`: the action cannot be done now; `problems` says why, for the user. Answered 400.
- `Conflict`: the record changed since the form was opened (a version check, a concurrent decision).
  Answered 409.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of the vocabulary; `status` is the HTTP status an unhandled one is answered with."""

    status = 400

    def __init__(self, *problems: object):
        self.problems: list[str] = [str(p) for p in problems if p]
        self.message = "; ".join(self.problems)
        super().__init__(self.message)


class NotFound(AppError):
    """Not the actor's to see or change, or not there at all."""

    status = 404


class Refused(AppError):
    """The action cannot be done now; `problems` (or `message`) says why, for the user."""

    status = 400

    def __init__(self, problems: list[str] | str | None = None, *more: object):
        if problems is None:
            items: list[object] = []
        elif isinstance(problems, list | tuple):
            items = list(problems)
        else:
            items = [problems]
        super().__init__(*items, *more)


class Conflict(AppError):
    """The record changed since it was read."""

    status = 409
