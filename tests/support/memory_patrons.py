"""A patron directory in memory with the same rules as DynamoPatrons, for tests of flows that
need patrons without DynamoDB. tests/integration/test_patrons.py runs the same checks on both."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

from library_service.line.ids import is_line_user_id
from library_service.patrons import (
    LineUserAlreadyLinked,
    Patron,
    PatronAlreadyLinked,
    PatronStatus,
    RegisteredVia,
    UnknownPatron,
    new_patron,
    new_patron_id,
)


class MemoryPatrons:
    def __init__(self, first_serial: int = 100_000_001) -> None:
        self._patrons: dict[str, Patron] = {}
        self._links: dict[str, str] = {}  # LINE user ID → patron ID
        self._serials = itertools.count(first_serial)

    def get(self, patron_id: str) -> Patron | None:
        return self._patrons.get(patron_id)

    def by_line_user(self, line_user_id: str) -> Patron | None:
        patron_id = self._links.get(line_user_id)
        return self._patrons[patron_id] if patron_id else None

    def register(
        self,
        name: str,
        birth_date: date,
        contact: str,
        status: PatronStatus = PatronStatus.PROVISIONAL,
        via: str = RegisteredVia.COUNTER,
        *,
        line_user_id: str | None = None,
        **details,
    ) -> Patron:
        if line_user_id is not None and line_user_id in self._links:
            raise LineUserAlreadyLinked("-", line_user_id)
        patron = new_patron(
            new_patron_id(next(self._serials)),
            name,
            birth_date,
            contact,
            status=status,
            via=via,
            registered_at=datetime.now(UTC),
            line_user_id=line_user_id,
            **details,
        )
        self._patrons[patron.patron_id] = patron
        if line_user_id is not None:
            self._links[line_user_id] = patron.patron_id
        return patron

    def link_line(self, patron_id: str, line_user_id: str) -> Patron:
        if not is_line_user_id(line_user_id):
            raise ValueError("not a LINE user ID")
        patron = self._existing(patron_id)
        if patron.line_user_id == line_user_id:
            return patron
        if patron.line_user_id is not None:
            raise PatronAlreadyLinked(patron_id, line_user_id)
        if line_user_id in self._links:
            raise LineUserAlreadyLinked(patron_id, line_user_id)
        self._links[line_user_id] = patron_id
        return self._store(replace(patron, line_user_id=line_user_id))

    def unlink_line(self, patron_id: str) -> Patron:
        patron = self._existing(patron_id)
        if patron.line_user_id is not None:
            del self._links[patron.line_user_id]
        return self._store(replace(patron, line_user_id=None))

    def change_password(self, patron_id: str, password_hash: str, changed_at: datetime) -> Patron:
        patron = self._existing(patron_id)
        return self._store(
            replace(
                patron,
                password_hash=password_hash,
                password_is_initial=False,
                credentials_changed_at=changed_at,
            )
        )

    def _existing(self, patron_id: str) -> Patron:
        patron = self._patrons.get(patron_id)
        if patron is None:
            raise UnknownPatron(patron_id)
        return patron

    def _store(self, patron: Patron) -> Patron:
        self._patrons[patron.patron_id] = patron
        return patron
