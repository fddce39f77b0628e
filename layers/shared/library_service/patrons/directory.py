"""What the rest of the service depends on to find patrons and link them to LINE."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from ..privacy import mask_id
from .model import IdentityEvidence, Patron, PatronStatus, RegisteredVia


class PatronError(Exception):
    """A request the patron directory refuses."""


class UnknownPatron(PatronError):
    def __init__(self, patron_id: str) -> None:
        super().__init__(f"no patron {mask_id(patron_id)}")
        self.patron_id = patron_id


class AlreadyLinked(PatronError):
    """One LINE user is linked to at most one patron, and one patron to at most one LINE user."""

    def __init__(self, patron_id: str, line_user_id: str, message: str) -> None:
        super().__init__(message)
        self.patron_id = patron_id
        self.line_user_id = line_user_id


class LineUserAlreadyLinked(AlreadyLinked):
    """The LINE user is linked to another patron."""

    def __init__(self, patron_id: str, line_user_id: str) -> None:
        super().__init__(
            patron_id,
            line_user_id,
            f"LINE user {mask_id(line_user_id)} is linked to another patron",
        )


class PatronAlreadyLinked(AlreadyLinked):
    """The patron is linked to another LINE user; unlink first to move the link."""

    def __init__(self, patron_id: str, line_user_id: str) -> None:
        super().__init__(
            patron_id,
            line_user_id,
            f"patron {mask_id(patron_id)} is linked to another LINE user",
        )


class PatronDirectory(Protocol):
    def get(self, patron_id: str) -> Patron | None:
        """The patron with this ID; None for an unknown or malformed ID."""
        ...

    def by_line_user(self, line_user_id: str) -> Patron | None:
        """The patron linked to this LINE user, read consistently (a link just made is seen)."""
        ...

    def register(
        self,
        name: str,
        birth_date: date,
        contact: str,
        status: PatronStatus = PatronStatus.PROVISIONAL,
        via: str = RegisteredVia.COUNTER,
        *,
        address: str | None = None,
        category: str | None = None,
        notice_titles: bool | None = None,
        identity: IdentityEvidence | None = None,
        line_user_id: str | None = None,
    ) -> Patron:
        """A new patron with a fresh ID and the initial password; InvalidPatronDetails if the
        details cannot be registered. With `line_user_id` the patron is linked in the same
        write, or not created at all: LineUserAlreadyLinked if that LINE user has a patron."""
        ...

    def link_line(self, patron_id: str, line_user_id: str) -> Patron:
        """Link both ways; linking the same pair again changes nothing. UnknownPatron,
        LineUserAlreadyLinked or PatronAlreadyLinked when the rules forbid it."""
        ...

    def unlink_line(self, patron_id: str) -> Patron:
        """Remove the patron's LINE link, if any; UnknownPatron for an unknown patron."""
        ...

    def change_password(self, patron_id: str, password_hash: str, changed_at: datetime) -> Patron:
        """Store a new password's hash, no longer the initial one, and when it changed;
        UnknownPatron for an unknown patron."""
        ...
