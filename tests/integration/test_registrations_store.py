"""Registrations in progress on moto: versions, single-use pointers, expiry and deletion."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from library_service.identity import Document, Method
from library_service.registration.model import Attempt, Category, Registration, Stage, VerifiedFacts
from library_service.registration.store import ConcurrentRegistrationUpdate
from library_service.storage.registrations import DynamoRegistrations, bind_registrations
from tests.support.clock import SettableClock

USER = "U" + "c" * 32
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def store(stack, clock):
    bind_registrations(stack.ref("RegistrationsTable"), stack.region)
    return DynamoRegistrations(clock)


@pytest.fixture
def table(stack):
    return boto3.resource("dynamodb", region_name=stack.region).Table(
        stack.ref("RegistrationsTable")
    )


def new_registration() -> Registration:
    return Registration(USER, Stage.TERMS, expires_at=NOW + timedelta(hours=24))


def with_attempt(registration: Registration) -> Registration:
    attempt = Attempt.new(NOW, timedelta(minutes=30))
    return registration.at(
        Stage.VERIFYING, method=Method.FACE, document=Document.PASSPORT, attempt=attempt
    )


def verified(registration: Registration) -> Registration:
    facts = VerifiedFacts(
        Method.FACE, Document.PASSPORT, "face-1", NOW, "渋谷 太郎", date(1990, 4, 1), "東京都渋谷区"
    )
    return registration.at(
        Stage.CONFIRM,
        attempt=None,
        verified=facts,
        category=Category.TOKYO_WORKER,
        contact="03-1234-5678",
        notice_titles=False,
    )


def test_a_registration_reads_back_as_saved_with_its_verified_facts(store):
    saved = store.save(verified(store.save(new_registration())))
    assert store.get(USER) == saved
    assert saved.verified.name == "渋谷 太郎" and saved.category is Category.TOKYO_WORKER


def test_a_write_over_a_newer_version_is_refused(store):
    first = store.save(new_registration())
    store.save(first.at(Stage.METHOD))
    with pytest.raises(ConcurrentRegistrationUpdate):
        store.save(first.at(Stage.DOCUMENT))
    assert store.get(USER).stage is Stage.METHOD


def test_an_attempt_is_found_by_its_link_and_its_state_and_the_state_works_once(store):
    registration = store.save_new_attempt(with_attempt(store.save(new_registration())))
    attempt = registration.attempt
    assert store.by_start_token(attempt.start_token) == registration
    assert store.by_state(attempt.state) == registration
    assert store.by_state("x" + attempt.state) is None
    answered = store.save_answer(registration.at(Stage.CATEGORY, attempt=None), attempt.state)
    assert store.by_state(attempt.state) is None
    with pytest.raises(ConcurrentRegistrationUpdate):
        store.save_answer(answered.at(Stage.CATEGORY), attempt.state)


def test_a_superseded_attempt_leads_nowhere(store):
    first = store.save_new_attempt(with_attempt(store.save(new_registration())))
    second = store.save_new_attempt(with_attempt(first))
    assert store.by_state(first.attempt.state) is None
    assert store.by_start_token(first.attempt.start_token) is None
    assert store.by_state(second.attempt.state) == second


def test_a_provider_session_points_to_its_registration(store):
    registration = store.save_new_attempt(with_attempt(store.save(new_registration())))
    opened = replace(
        registration, attempt=replace(registration.attempt, provider_session_id="fs_1")
    )
    saved = store.save_provider_session(opened)
    assert store.by_provider_session("fs_1") == saved
    assert store.by_provider_session("fs_2") is None


def test_expired_registrations_and_attempts_read_as_gone(store, clock, table):
    registration = store.save_new_attempt(with_attempt(store.save(new_registration())))
    clock.now = NOW + timedelta(minutes=31)  # the attempt's pointers have expired
    assert store.by_state(registration.attempt.state) is None
    assert store.get(USER) is not None
    clock.now = NOW + timedelta(hours=24)
    assert store.get(USER) is None
    # DynamoDB's TTL deletes them for good: every item carries expiresAt in epoch seconds.
    items = table.scan(ConsistentRead=True)["Items"]
    assert len(items) == 3
    assert all(int(item["expiresAt"]) <= (NOW + timedelta(hours=24)).timestamp() for item in items)


def test_delete_takes_the_personal_data_with_it(store, table):
    store.save(verified(store.save(new_registration())))
    store.delete(USER)
    assert store.get(USER) is None
    assert table.scan(ConsistentRead=True)["Items"] == []
