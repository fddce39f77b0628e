"""The patron directory on moto, and the in-memory one tests use, held to the same rules."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from library_service.patrons import (
    AlreadyLinked,
    IdentityEvidence,
    InvalidPatronDetails,
    LineUserAlreadyLinked,
    PatronAlreadyLinked,
    PatronStatus,
    UnknownPatron,
    is_valid_patron_id,
    new_patron_id,
    verify_password,
)
from library_service.storage.patrons import (
    DynamoPatrons,
    LineLinkItem,
    PatronItem,
    PatronsTableItem,
    bind_patrons,
)
from tests.support.memory_patrons import MemoryPatrons

LINE_A = "U" + "a" * 32
LINE_B = "U" + "b" * 32
BORN = date(1992, 5, 16)


@pytest.fixture
def dynamo(stack):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    return DynamoPatrons()


@pytest.fixture(params=["dynamo", "memory"])
def patrons(request):
    return request.getfixturevalue("dynamo") if request.param == "dynamo" else MemoryPatrons()


def register(patrons, name="渋谷 花子", **options):
    return patrons.register(name, BORN, "03-1234-5678", **options)


# -- both directories ------------------------------------------------------------------------
def test_registered_patrons_get_distinct_valid_ids_and_read_back(patrons):
    first = register(patrons)
    second = register(patrons, "代々木 太郎", status=PatronStatus.ACTIVE, via="line")
    assert first.patron_id != second.patron_id
    assert is_valid_patron_id(first.patron_id) and is_valid_patron_id(second.patron_id)
    assert patrons.get(first.patron_id) == first
    stored = patrons.get(second.patron_id)
    assert stored == second and stored.status is PatronStatus.ACTIVE
    assert stored.registered_via == "line" and stored.password_is_initial
    assert verify_password("920516", stored.password_hash)


def test_unknown_and_malformed_ids_find_nobody(patrons):
    register(patrons)
    assert patrons.get(new_patron_id(999_999_999)) is None
    assert patrons.get("not an id") is None
    assert patrons.by_line_user(LINE_A) is None


def test_invalid_details_register_nobody(patrons):
    with pytest.raises(InvalidPatronDetails):
        patrons.register("渋谷 花子", BORN, "not a contact")


def test_a_linked_patron_is_found_by_line_user(patrons):
    patron = register(patrons)
    linked = patrons.link_line(patron.patron_id, LINE_A)
    assert linked.line_user_id == LINE_A
    assert patrons.by_line_user(LINE_A) == linked == patrons.get(patron.patron_id)


def test_linking_the_same_pair_again_changes_nothing(patrons):
    patron = register(patrons)
    first = patrons.link_line(patron.patron_id, LINE_A)
    assert patrons.link_line(patron.patron_id, LINE_A) == first
    assert patrons.by_line_user(LINE_A) == first


def test_a_line_user_links_to_one_patron_only(patrons):
    first, second = register(patrons), register(patrons, "代々木 太郎")
    patrons.link_line(first.patron_id, LINE_A)
    with pytest.raises(LineUserAlreadyLinked) as refused:
        patrons.link_line(second.patron_id, LINE_A)
    assert isinstance(refused.value, AlreadyLinked)
    assert patrons.by_line_user(LINE_A).patron_id == first.patron_id
    assert patrons.get(second.patron_id).line_user_id is None


def test_a_patron_links_to_one_line_user_only(patrons):
    patron = register(patrons)
    patrons.link_line(patron.patron_id, LINE_A)
    with pytest.raises(PatronAlreadyLinked):
        patrons.link_line(patron.patron_id, LINE_B)
    assert patrons.get(patron.patron_id).line_user_id == LINE_A
    assert patrons.by_line_user(LINE_B) is None


def test_after_unlinking_the_line_user_may_link_another_patron(patrons):
    first, second = register(patrons), register(patrons, "代々木 太郎")
    patrons.link_line(first.patron_id, LINE_A)
    assert patrons.unlink_line(first.patron_id).line_user_id is None
    assert patrons.by_line_user(LINE_A) is None
    assert patrons.get(first.patron_id).line_user_id is None
    assert patrons.unlink_line(first.patron_id).line_user_id is None  # again: nothing to do
    patrons.link_line(second.patron_id, LINE_A)
    assert patrons.by_line_user(LINE_A).patron_id == second.patron_id
    patrons.link_line(first.patron_id, LINE_B)  # and the first patron another LINE user
    assert patrons.by_line_user(LINE_B).patron_id == first.patron_id


def test_unknown_patrons_and_malformed_line_ids_are_refused(patrons):
    patron = register(patrons)
    missing = new_patron_id(999_999_999)
    with pytest.raises(UnknownPatron):
        patrons.link_line(missing, LINE_A)
    with pytest.raises(UnknownPatron):
        patrons.unlink_line(missing)
    with pytest.raises(ValueError):
        patrons.link_line(patron.patron_id, "Uabc")
    assert patrons.by_line_user(LINE_A) is None


# -- DynamoDB only ---------------------------------------------------------------------------
def items():
    return {item.key: item for item in PatronsTableItem.scan(consistent_read=True)}


def test_the_table_holds_a_hash_a_link_item_and_no_password(dynamo):
    patron = register(dynamo)
    dynamo.link_line(patron.patron_id, LINE_A)
    stored = items()
    assert set(stored) == {patron.patron_id, f"line#{LINE_A}"}
    assert isinstance(stored[patron.patron_id], PatronItem)
    link = stored[f"line#{LINE_A}"]
    assert isinstance(link, LineLinkItem) and link.patron_id == patron.patron_id
    raw = PatronItem.get(patron.patron_id).serialize()
    assert raw["passwordHash"]["S"].startswith("scrypt$")
    assert "920516" not in str(raw)
    dynamo.unlink_line(patron.patron_id)
    assert set(items()) == {patron.patron_id}  # the link item went with the link


def test_a_link_item_is_not_a_patron(dynamo):
    patron = register(dynamo)
    dynamo.link_line(patron.patron_id, LINE_A)
    assert dynamo.get(f"line#{LINE_A}") is None


def test_registration_retries_a_taken_serial(stack):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    serials = iter([123_456_789, 123_456_789, 234_567_891])
    patrons = DynamoPatrons(serials=lambda: next(serials))
    first = register(patrons)
    second = register(patrons, "代々木 太郎")
    assert first.patron_id == new_patron_id(123_456_789)
    assert second.patron_id == new_patron_id(234_567_891)
    assert patrons.get(first.patron_id).name == "渋谷 花子"  # not overwritten


def test_registration_gives_up_rather_than_overwrite(stack):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    patrons = DynamoPatrons(serials=lambda: 123_456_789)
    first = register(patrons)
    with pytest.raises(RuntimeError, match="no unused patron ID"):
        register(patrons, "代々木 太郎")
    assert patrons.get(first.patron_id) == first


def test_concurrent_registrations_get_distinct_ids(dynamo):
    with ThreadPoolExecutor(max_workers=8) as pool:
        registered = list(pool.map(lambda n: register(dynamo, f"利用者 {n}"), range(16)))
    ids = {patron.patron_id for patron in registered}
    assert len(ids) == 16 and all(is_valid_patron_id(i) for i in ids)
    assert {item.name for item in items().values()} == {f"利用者 {n}" for n in range(16)}


def test_a_link_made_between_the_check_and_the_write_still_wins(dynamo, monkeypatch):
    """The reads before the transaction only explain a refusal: the transaction's conditions
    keep links unique when another request links in between."""
    first, second = register(dynamo), register(dynamo, "代々木 太郎")
    dynamo.link_line(first.patron_id, LINE_A)
    owner_reads = iter([None])  # the first read misses the link, as if it were not yet made
    real_owner = dynamo._link_owner
    monkeypatch.setattr(dynamo, "_link_owner", lambda uid: next(owner_reads, real_owner(uid)))
    with pytest.raises(LineUserAlreadyLinked):
        dynamo.link_line(second.patron_id, LINE_A)
    assert dynamo.by_line_user(LINE_A).patron_id == first.patron_id
    assert dynamo.get(second.patron_id).line_user_id is None


def test_a_patron_linked_between_the_check_and_the_write_keeps_the_link(dynamo, monkeypatch):
    patron = register(dynamo)
    dynamo.link_line(patron.patron_id, LINE_A)
    # The first read sees the patron as before the link, as if it had been made just after.
    reads = iter([replace(dynamo.get(patron.patron_id), line_user_id=None)])
    real_existing = dynamo._existing
    monkeypatch.setattr(dynamo, "_existing", lambda pid: next(reads, None) or real_existing(pid))
    with pytest.raises(PatronAlreadyLinked):
        dynamo.link_line(patron.patron_id, LINE_B)
    assert dynamo.get(patron.patron_id).line_user_id == LINE_A
    assert dynamo.by_line_user(LINE_B) is None
    assert set(items()) == {patron.patron_id, f"line#{LINE_A}"}  # no link item left for B


# -- registering from LINE: the patron and its link in one write ------------------------------
def test_registering_with_a_line_user_links_both_ways_with_the_verified_details(patrons):
    evidence = IdentityEvidence(
        "face", "drivers_license", "face-42", datetime(2026, 12, 4, tzinfo=UTC)
    )
    patron = register(
        patrons,
        line_user_id=LINE_A,
        via="line",
        address="東京都渋谷区宇田川町1-1",
        category="ward-resident",
        notice_titles=True,
        identity=evidence,
    )
    assert patrons.by_line_user(LINE_A) == patron == patrons.get(patron.patron_id)
    assert patron.line_user_id == LINE_A and patron.identity == evidence
    assert (patron.address, patron.category, patron.notice_titles) == (
        "東京都渋谷区宇田川町1-1",
        "ward-resident",
        True,
    )


def test_a_line_user_with_a_patron_cannot_register_another(patrons):
    first = register(patrons, line_user_id=LINE_A)
    with pytest.raises(LineUserAlreadyLinked):
        register(patrons, "代々木 太郎", line_user_id=LINE_A)
    assert patrons.by_line_user(LINE_A) == first


def test_a_taken_serial_is_retried_with_the_link_in_the_same_write(stack):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    serials = iter([123_456_789, 123_456_789, 234_567_891])
    patrons = DynamoPatrons(serials=lambda: next(serials))
    first = register(patrons)
    second = register(patrons, "代々木 太郎", line_user_id=LINE_A)
    assert second.patron_id == new_patron_id(234_567_891)
    assert patrons.by_line_user(LINE_A) == second
    assert patrons.get(first.patron_id).line_user_id is None
    assert set(items()) == {first.patron_id, second.patron_id, f"line#{LINE_A}"}


def test_concurrent_line_registrations_get_distinct_ids_and_one_per_line_user(dynamo):
    users = [f"U{n:032x}" for n in range(12)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        registered = list(pool.map(lambda u: register(dynamo, line_user_id=u), users))
    assert len({p.patron_id for p in registered}) == 12

    def try_register(n: int):
        try:
            return register(dynamo, f"二重 {n}", line_user_id=LINE_B)
        except LineUserAlreadyLinked:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(try_register, range(8)))
    (winner,) = [p for p in outcomes if p is not None]
    assert dynamo.by_line_user(LINE_B) == winner
    assert sum(1 for item in items().values() if getattr(item, "name", "").startswith("二重")) == 1
