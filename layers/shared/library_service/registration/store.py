"""What registration needs from storage (`storage.registrations.DynamoRegistrations`)."""

from __future__ import annotations

from typing import Protocol

from .model import Registration


class ConcurrentRegistrationUpdate(Exception):
    """Someone else changed the registration (or used the state) first."""


class RegistrationStore(Protocol):
    def get(self, line_user_id: str) -> Registration | None:
        """The LINE user's registration in progress; None when there is none or it expired."""
        ...

    def by_start_token(self, token: str) -> Registration | None:
        """The registration whose current attempt opens with this link token."""
        ...

    def by_state(self, state: str) -> Registration | None:
        """The registration whose current attempt has this state, not yet used."""
        ...

    def by_provider_session(self, session_id: str) -> Registration | None:
        """The registration whose current attempt opened this provider session."""
        ...

    def save_provider_session(self, registration: Registration) -> Registration:
        """Write it with a pointer from its attempt's provider session, all or nothing."""
        ...

    def save(self, registration: Registration) -> Registration:
        """Write it unless it changed since read; raises ConcurrentRegistrationUpdate."""
        ...

    def save_new_attempt(self, registration: Registration) -> Registration:
        """Write it with its new attempt's link token and state, all or nothing."""
        ...

    def save_answer(self, registration: Registration, state: str) -> Registration:
        """Write the provider's answer and use up `state` (ConcurrentRegistrationUpdate when
        it was used already)."""
        ...

    def delete(self, line_user_id: str) -> None:
        """Forget the registration and all it held."""
        ...
