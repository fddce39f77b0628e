"""Builds each function's service from the settings: the one place adapters are chosen.

Called on a function's first invocation, not at import, so that AWS clients are made after
the environment (a test's moto, the devstack's endpoint) is in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import boto3
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from .accounts import LoginRules, PatronLogin, SessionRules
from .card.links import card_links
from .catalogue.libraries import default_libraries
from .catalogue.search import CatalogueSearch
from .config import Settings, get_secret
from .conversation import register_messages
from .conversation.dialogue import Dialogue
from .conversation.mypage_flow import MyPageFlow
from .conversation.register_flow import RegisterFlow
from .conversation.reserve_flow import ReserveFlow
from .conversation.worker import ConversationWorker
from .eventbus import EventBridgeHoldEvents
from .holds.circulation import CirculationDesk, DeskRules
from .holds.renewal import RenewalRules, Renewals
from .holds.service import HoldRules, HoldService
from .line.messenger import LineMessenger
from .notices.service import NoticeService
from .registration.terms import terms_of_use
from .registration.verification import START_PATH, IdentityDesk, Prompts
from .storage.audit import DynamoAudit, bind_audit
from .storage.binding import bind_model
from .storage.catalogue import DynamoCatalogue, bind_catalogue
from .storage.circulation import DynamoCirculation
from .storage.conversations import ConversationRecord, ConversationStore
from .storage.holds import DynamoHolds, bind_holds
from .storage.loans import DynamoLoans, bind_loans
from .storage.notices import DynamoNoticeLog, bind_notices
from .storage.patrons import DynamoPatrons, bind_patrons
from .storage.registrations import DynamoRegistrations, bind_registrations
from .storage.web_sessions import (
    DynamoLinkNonces,
    DynamoThrottle,
    DynamoWebSessions,
    bind_web_sessions,
)


@dataclass(frozen=True)
class ConversationService:
    worker: ConversationWorker
    idempotency: IdempotencyConfig  # the handler registers each Lambda context with it


def build_conversation_service(settings: Settings) -> ConversationService:
    bind_model(ConversationRecord, settings.conversations_table, settings.region)
    bind_catalogue(settings.catalogue_table, settings.search_index_table, settings.region)
    bind_patrons(settings.patrons_table, settings.region)
    bind_holds(settings.holds_table, settings.region)
    bind_registrations(settings.registrations_table, settings.region)
    bind_web_sessions(settings.web_sessions_table, settings.region)
    catalogue = DynamoCatalogue()
    libraries = default_libraries()
    rules = HoldRules(settings.max_open_holds, settings.provisional_may_reserve)
    reservations = ReserveFlow(
        DynamoPatrons(),
        HoldService(DynamoHolds(), catalogue, libraries, rules),
        catalogue,
        libraries,
    )
    messenger = LineMessenger(
        settings.line_api_base_url, get_secret(settings.line_channel_access_token_param)
    )
    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table,
        boto3_client=boto3.client("dynamodb", region_name=settings.region),
    )
    # Keyed on LINE's webhookEventId: a redelivery hours later is still answered only once.
    config = IdempotencyConfig(
        event_key_jmespath="webhookEventId",
        expires_after_seconds=settings.idempotency_ttl_seconds,
        raise_on_no_idempotency_key=True,
    )

    def once_per_event(process):
        return idempotent_function(
            process, data_keyword_argument="event", persistence_store=persistence, config=config
        )

    worker = ConversationWorker(
        Dialogue(
            settings.library_name,
            CatalogueSearch(catalogue, catalogue, libraries),
            reservations,
            RegisterFlow(
                DynamoRegistrations(),
                DynamoPatrons(),
                lambda token: f"{settings.public_api_url}{START_PATH}?t={token}",
                terms_of_use,
            ),
            MyPageFlow(
                DynamoPatrons(),
                DynamoLinkNonces(),
                messenger.issue_link_token,
                settings.public_api_url,
            ),
            DynamoPatrons(),
            lambda patron_id: card_links(settings).url_for(patron_id),
        ),
        ConversationStore(settings.conversation_ttl_seconds),
        messenger,
        once_per_event,
    )
    return ConversationService(worker=worker, idempotency=config)


def build_circulation_desk(settings: Settings) -> CirculationDesk:
    """The desk as staff, the library system and the daily schedule use it."""
    bind_catalogue(settings.catalogue_table, settings.search_index_table, settings.region)
    bind_holds(settings.holds_table, settings.region)
    bind_loans(settings.loans_table, settings.region)
    return CirculationDesk(
        copies=DynamoCatalogue(),
        queues=DynamoHolds(),
        changes=DynamoCirculation(),
        events=EventBridgeHoldEvents(settings.events_bus_name, settings.region),
        libraries=default_libraries(),
        rules=DeskRules(settings.pickup_open_days, settings.loan_days),
    )


def build_notice_service(settings: Settings) -> NoticeService:
    """Notices to patrons: who they are, how LINE reaches them, what was sent before."""
    bind_patrons(settings.patrons_table, settings.region)
    bind_notices(settings.notices_table, settings.region)
    return NoticeService(
        DynamoPatrons(),
        LineMessenger(
            settings.line_api_base_url, get_secret(settings.line_channel_access_token_param)
        ),
        DynamoNoticeLog(settings.notice_ttl_seconds),
        default_libraries(),
        shows_title=settings.notice_shows_title,
    )


def build_identity_desk(settings: Settings) -> IdentityDesk:
    """The identity check's browser and webhook steps, for both kinds of provider."""
    # Imported here: joserfc and cryptography are for these functions only, not the chat's.
    from .identity.face import FaceKycProvider
    from .identity.oidc import OidcIdentityProvider

    bind_registrations(settings.registrations_table, settings.region)
    return IdentityDesk(
        DynamoRegistrations(),
        jpki=cache(
            lambda: OidcIdentityProvider(
                settings.jpki_issuer,
                settings.jpki_client_id,
                lambda: get_secret(settings.jpki_client_secret_param),
            )
        ),
        face=cache(
            lambda: FaceKycProvider(
                settings.face_api_base_url,
                lambda: get_secret(settings.face_api_key_param),
                lambda: get_secret(settings.face_webhook_secret_param),
            )
        ),
        pusher=cache(
            lambda: LineMessenger(
                settings.line_api_base_url, get_secret(settings.line_channel_access_token_param)
            )
        ),
        prompts=Prompts(
            verified=register_messages.verified, failed=register_messages.verification_failed
        ),
    )


def build_my_page(settings: Settings):
    """The My Page site (`mypage.site.MyPage`) with its sessions, login rules, loans, holds and
    LINE Login."""
    # Imported here: Jinja2 and the site are for MyPageFunction only.
    from .line.login import LineLogin
    from .mypage.site import MyPage, MyPageSettings

    bind_patrons(settings.patrons_table, settings.region)
    bind_catalogue(settings.catalogue_table, settings.search_index_table, settings.region)
    bind_holds(settings.holds_table, settings.region)
    bind_loans(settings.loans_table, settings.region)
    bind_web_sessions(settings.web_sessions_table, settings.region)
    bind_audit(settings.audit_table, settings.region)
    patrons, audit, libraries = DynamoPatrons(), DynamoAudit(), default_libraries()
    catalogue = DynamoCatalogue()
    holds = HoldService(
        DynamoHolds(),
        catalogue,
        libraries,
        HoldRules(settings.max_open_holds, settings.provisional_may_reserve),
    )
    sessions = DynamoWebSessions(
        SessionRules(settings.session_idle_seconds, settings.session_absolute_seconds)
    )
    return MyPage(
        sessions=sessions,
        login=PatronLogin(
            patrons,
            DynamoThrottle(),
            audit,
            LoginRules(settings.login_max_failures, settings.login_lock_seconds),
        ),
        patrons=patrons,
        holds=holds,
        renewals=Renewals(
            DynamoLoans(), holds, RenewalRules(settings.renewal_limit, settings.loan_days)
        ),
        line_login=cache(
            lambda: LineLogin(
                settings.line_login_channel_id,
                lambda: get_secret(settings.line_login_channel_secret_param),
                access_base_url=settings.line_access_base_url,
                api_base_url=settings.line_api_base_url,
            )
        ),
        link_nonces=DynamoLinkNonces(),
        audit=audit,
        libraries=libraries,
        settings=MyPageSettings(
            library_name=settings.library_name,
            library_site_url=settings.library_site_url,
            line_access_base_url=settings.line_access_base_url,
            session_seconds=settings.session_absolute_seconds,
        ),
    )
