"""The identity desk's decisions with providers that fail in ways the sandbox cannot show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from library_service.conversation import register_messages
from library_service.identity import Document, Method, ProviderError, ProviderUnavailable, Redirect
from library_service.registration.model import Attempt, Registration, Stage
from library_service.registration.verification import IdentityDesk, Page, Prompts
from tests.support.memory_registrations import MemoryRegistrations

USER = "U" + "e" * 32
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
API = "https://api.example"


class Failing:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def begin(self, _request):
        raise self.error

    def finish(self, _request, _params):
        raise self.error


class FaceSessions:
    """A face provider that opens sessions fs_1, fs_2, …"""

    def __init__(self) -> None:
        self.opened = 0

    def begin(self, _request) -> Redirect:
        self.opened += 1
        return Redirect(f"https://face.example/s/{self.opened}", f"fs_{self.opened}")


class Pushes:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[dict]]] = []

    def push(self, to: str, messages: list[dict], retry_key: str) -> None:
        self.sent.append((to, messages))


def desk(registrations, jpki=None, face=None, pusher=None, now=NOW) -> IdentityDesk:
    return IdentityDesk(
        registrations,
        jpki=lambda: jpki,
        face=lambda: face,
        pusher=lambda: pusher,
        prompts=Prompts(register_messages.verified, register_messages.verification_failed),
        clock=lambda: now,
    )


def verifying(registrations, method=Method.JPKI) -> Registration:
    registration = Registration(
        USER,
        Stage.VERIFYING,
        NOW + timedelta(hours=24),
        method=method,
        document=Document.PASSPORT if method is Method.FACE else None,
        attempt=Attempt.new(NOW, timedelta(minutes=30)),
    )
    return registrations.save_new_attempt(registration)


@pytest.mark.parametrize("error", [ProviderUnavailable("down"), ProviderError("misconfigured")])
def test_a_provider_that_cannot_be_used_at_start_gets_a_try_later_page(error):
    registrations = MemoryRegistrations()
    registration = verifying(registrations)
    answer = desk(registrations, jpki=Failing(error)).start(registration.attempt.start_token, API)
    assert answer == type(answer)(page=Page.UNAVAILABLE)
    assert registrations.get(USER).attempt == registration.attempt  # still usable later


def test_a_provider_down_at_the_callback_tells_the_patron_and_uses_up_the_state():
    registrations, pusher = MemoryRegistrations(), Pushes()
    registration = verifying(registrations)
    state = registration.attempt.state
    page = desk(registrations, jpki=Failing(ProviderUnavailable("down")), pusher=pusher)
    assert page.oidc_callback({"state": state, "code": "c"}, API) is Page.UNAVAILABLE
    ((to, (said,)),) = pusher.sent
    assert to == USER and said["altText"].startswith("本人確認サービスに接続できませんでした")
    assert registrations.by_state(state) is None
    assert registrations.get(USER).attempt is None  # the chat offers a new attempt


def test_an_expired_attempt_is_refused_at_the_callback_without_asking_the_provider():
    registrations, pusher = MemoryRegistrations(), Pushes()
    registration = verifying(registrations)
    late = desk(
        registrations,
        jpki=Failing(AssertionError("asked")),
        pusher=pusher,
        now=NOW + timedelta(minutes=31),
    )
    state = registration.attempt.state
    assert late.oidc_callback({"state": state, "code": "c"}, API) is Page.FAILED
    assert pusher.sent[0][1][0]["altText"].startswith("本人確認の有効期限が切れました")


def test_a_face_session_is_recorded_so_its_webhook_finds_the_registration():
    registrations, face = MemoryRegistrations(), FaceSessions()
    registration = verifying(registrations, Method.FACE)
    answer = desk(registrations, face=face).start(registration.attempt.start_token, API)
    assert answer.redirect_to == "https://face.example/s/1"
    assert registrations.by_provider_session("fs_1").line_user_id == USER
