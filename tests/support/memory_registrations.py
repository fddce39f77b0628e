"""Registrations in memory, with the store's contract (versions, single-use pointers)."""

from __future__ import annotations

from dataclasses import replace

from library_service.registration.model import Registration
from library_service.registration.store import ConcurrentRegistrationUpdate


class MemoryRegistrations:
    def __init__(self) -> None:
        self.sessions: dict[str, Registration] = {}
        self.pointers: dict[str, str] = {}

    def get(self, line_user_id: str) -> Registration | None:
        return self.sessions.get(line_user_id)

    def _by(self, key: str) -> Registration | None:
        owner = self.pointers.get(key)
        return self.sessions.get(owner) if owner else None

    def by_start_token(self, token: str) -> Registration | None:
        found = self._by("start#" + token)
        return found if found and found.attempt and found.attempt.start_token == token else None

    def by_state(self, state: str) -> Registration | None:
        found = self._by("state#" + state)
        return found if found and found.attempt and found.attempt.state == state else None

    def by_provider_session(self, session_id: str) -> Registration | None:
        found = self._by("provider#" + session_id)
        attempt = found.attempt if found else None
        return found if attempt and attempt.provider_session_id == session_id else None

    def save(self, registration: Registration) -> Registration:
        current = self.sessions.get(registration.line_user_id)
        if (current.version if current else None) != registration.version:
            raise ConcurrentRegistrationUpdate()
        saved = replace(registration, version=(registration.version or 0) + 1)
        self.sessions[registration.line_user_id] = saved
        return saved

    def save_new_attempt(self, registration: Registration) -> Registration:
        saved = self.save(registration)
        for key in ("start#" + saved.attempt.start_token, "state#" + saved.attempt.state):
            self.pointers[key] = saved.line_user_id
        return saved

    def save_provider_session(self, registration: Registration) -> Registration:
        saved = self.save(registration)
        self.pointers["provider#" + saved.attempt.provider_session_id] = saved.line_user_id
        return saved

    def save_answer(self, registration: Registration, state: str) -> Registration:
        if "state#" + state not in self.pointers:
            raise ConcurrentRegistrationUpdate()
        saved = self.save(registration)
        del self.pointers["state#" + state]
        return saved

    def delete(self, line_user_id: str) -> None:
        self.sessions.pop(line_user_id, None)
