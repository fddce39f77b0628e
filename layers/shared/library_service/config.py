"""The one place where settings come from.

Every value is read from the environment, which `template.yaml` fills in AWS and the devstack
fills locally. Secrets are never in the environment: only the names of the SSM parameters
that hold them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_LINE_API_BASE_URL = "https://api.line.me"
DEFAULT_LINE_ACCESS_BASE_URL = "https://access.line.me"


@dataclass(frozen=True)
class Settings:
    region: str
    library_name: str
    conversations_table: str
    idempotency_table: str
    catalogue_table: str
    search_index_table: str
    patrons_table: str
    holds_table: str
    loans_table: str
    max_open_holds: int
    pickup_open_days: int
    loan_days: int
    provisional_may_reserve: bool
    events_queue_url: str
    line_api_base_url: str
    line_channel_secret_param: str
    line_channel_access_token_param: str
    conversation_ttl_seconds: int
    idempotency_ttl_seconds: int
    secrets_max_age_seconds: int
    # Notices (notices/, NotifierFunction) and the bus the circulation desk publishes on.
    notices_table: str
    notice_shows_title: bool  # off by default: a title on the lock screen tells what one reads
    notice_ttl_seconds: int
    events_bus_name: str
    # Registration from LINE (registration/, identity/) and the library card (card/).
    registrations_table: str
    public_api_url: str  # the HTTP API as browsers reach it: links in messages, redirect URIs
    jpki_issuer: str
    jpki_client_id: str
    jpki_client_secret_param: str
    face_api_base_url: str
    face_api_key_param: str
    face_webhook_secret_param: str
    card_signing_key_param: str
    card_link_ttl_seconds: int
    # My Page (mypage/, accounts/) and LINE Login.
    web_sessions_table: str
    audit_table: str
    session_idle_seconds: int
    session_absolute_seconds: int
    login_max_failures: int
    login_lock_seconds: int
    renewal_limit: int
    library_site_url: str  # My Page's 「ホーム」 button
    line_login_channel_id: str
    line_login_channel_secret_param: str
    line_access_base_url: str  # access.line.me: LINE Login's authorize page and account link

    @classmethod
    def from_environment(cls, env: dict[str, str] | os._Environ = os.environ) -> Settings:
        return cls(
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-northeast-1",
            library_name=env.get("LIBRARY_NAME") or "渋谷区立図書館",
            conversations_table=env.get("CONVERSATIONS_TABLE", ""),
            idempotency_table=env.get("IDEMPOTENCY_TABLE", ""),
            catalogue_table=env.get("CATALOGUE_TABLE", ""),
            search_index_table=env.get("SEARCH_INDEX_TABLE", ""),
            patrons_table=env.get("PATRONS_TABLE", ""),
            holds_table=env.get("HOLDS_TABLE", ""),
            loans_table=env.get("LOANS_TABLE", ""),
            max_open_holds=int(env.get("MAX_OPEN_HOLDS", 10)),
            pickup_open_days=int(env.get("PICKUP_OPEN_DAYS", 7)),
            loan_days=int(env.get("LOAN_DAYS", 14)),
            provisional_may_reserve=env.get("PROVISIONAL_MAY_RESERVE", "true").lower() == "true",
            events_queue_url=env.get("EVENTS_QUEUE_URL", ""),
            line_api_base_url=env.get("LINE_API_BASE_URL") or DEFAULT_LINE_API_BASE_URL,
            line_channel_secret_param=env.get("LINE_CHANNEL_SECRET_PARAM", ""),
            line_channel_access_token_param=env.get("LINE_CHANNEL_ACCESS_TOKEN_PARAM", ""),
            conversation_ttl_seconds=int(env.get("CONVERSATION_TTL_SECONDS", 7 * 24 * 3600)),
            idempotency_ttl_seconds=int(env.get("IDEMPOTENCY_TTL_SECONDS", 24 * 3600)),
            secrets_max_age_seconds=int(env.get("SECRETS_MAX_AGE_SECONDS", 300)),
            notices_table=env.get("NOTICES_TABLE", ""),
            notice_shows_title=env.get("NOTICE_SHOWS_TITLE", "false").lower() == "true",
            notice_ttl_seconds=int(env.get("NOTICE_TTL_SECONDS", 90 * 24 * 3600)),
            events_bus_name=env.get("EVENT_BUS_NAME", ""),
            registrations_table=env.get("REGISTRATIONS_TABLE", ""),
            public_api_url=env.get("PUBLIC_API_URL", "").rstrip("/"),
            jpki_issuer=env.get("JPKI_ISSUER", ""),
            jpki_client_id=env.get("JPKI_CLIENT_ID", ""),
            jpki_client_secret_param=env.get("JPKI_CLIENT_SECRET_PARAM", ""),
            face_api_base_url=env.get("FACE_KYC_API_BASE_URL", "").rstrip("/"),
            face_api_key_param=env.get("FACE_KYC_API_KEY_PARAM", ""),
            face_webhook_secret_param=env.get("FACE_KYC_WEBHOOK_SECRET_PARAM", ""),
            card_signing_key_param=env.get("CARD_SIGNING_KEY_PARAM", ""),
            card_link_ttl_seconds=int(env.get("CARD_LINK_TTL_SECONDS", 600)),
            web_sessions_table=env.get("WEB_SESSIONS_TABLE", ""),
            audit_table=env.get("AUDIT_TABLE", ""),
            session_idle_seconds=int(env.get("SESSION_IDLE_SECONDS", 30 * 60)),
            session_absolute_seconds=int(env.get("SESSION_ABSOLUTE_SECONDS", 8 * 3600)),
            login_max_failures=int(env.get("LOGIN_MAX_FAILURES", 5)),
            login_lock_seconds=int(env.get("LOGIN_LOCK_SECONDS", 15 * 60)),
            renewal_limit=int(env.get("RENEWAL_LIMIT", 1)),
            library_site_url=env.get("LIBRARY_SITE_URL")
            or "https://www.lib.city.shibuya.tokyo.jp/",
            line_login_channel_id=env.get("LINE_LOGIN_CHANNEL_ID", ""),
            line_login_channel_secret_param=env.get("LINE_LOGIN_CHANNEL_SECRET_PARAM", ""),
            line_access_base_url=(
                env.get("LINE_ACCESS_BASE_URL") or DEFAULT_LINE_ACCESS_BASE_URL
            ).rstrip("/"),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environment()


def get_secret(parameter_name: str) -> str:
    """A SecureString from SSM Parameter Store, cached for `secrets_max_age_seconds`.

    Imported lazily: the parameters utility pulls in boto3 session setup we only pay for on
    the first call, after a test or the devstack has pointed AWS at its endpoint.
    """
    from aws_lambda_powertools.utilities import parameters

    if not parameter_name:
        raise RuntimeError("secret parameter name is not configured")
    return parameters.get_parameter(
        parameter_name, decrypt=True, max_age=get_settings().secrets_max_age_seconds
    )
