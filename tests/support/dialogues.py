"""A Dialogue over in-memory parts, for unit tests of what the bot says."""

from __future__ import annotations

from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.search import CatalogueSearch
from library_service.conversation.dialogue import Dialogue
from library_service.conversation.mypage_flow import MyPageFlow
from library_service.conversation.register_flow import RegisterFlow
from library_service.conversation.reserve_flow import ReserveFlow
from library_service.holds.service import HoldRules, HoldService
from library_service.registration.terms import terms_of_use
from tests.support.memory_catalogue import MemoryCatalogue
from tests.support.memory_registrations import MemoryRegistrations

API = "https://api.example"


class NobodyLinked:
    """A patron directory in which no LINE user is linked: 予約する explains why it can't."""

    def by_line_user(self, _line_user_id: str):
        return None


class NoNonces:
    """Account-link nonces none of which were issued."""

    def consume(self, _nonce: str) -> None:
        return None


class NoHoldsTouched:
    """Holds storage that fails the test if the dialogue reaches it without a patron."""

    def __getattr__(self, name):
        raise AssertionError(f"holds storage used ({name}) with nobody linked")


def unlinked_dialogue(catalogue: MemoryCatalogue | None = None) -> Dialogue:
    catalogue = catalogue or MemoryCatalogue()
    libraries = default_libraries()
    holds = HoldService(NoHoldsTouched(), catalogue, libraries, HoldRules())
    return Dialogue(
        "渋谷区立図書館",
        CatalogueSearch(catalogue, catalogue, libraries),
        ReserveFlow(NobodyLinked(), holds, catalogue, libraries),
        RegisterFlow(
            MemoryRegistrations(),
            NobodyLinked(),
            lambda token: f"{API}/identity/start?t={token}",
            terms_of_use,
        ),
        MyPageFlow(NobodyLinked(), NoNonces(), lambda user: f"link-token-for-{user}", API),
        NobodyLinked(),
        lambda patron_id: f"{API}/card/barcode.png?t=signed-{patron_id}",
    )
