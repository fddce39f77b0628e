"""All mutable emulator state, built once per emulator so instances never share anything."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from . import ids
from .apilog import ApiLog
from .clock import SimClock
from .faults import Faults
from .login import LoginStore
from .outbox import Outbox
from .retrykeys import RetryKeys
from .richmenus import RichMenuStore
from .settings import EmulatorSettings
from .tokens import TokenBook
from .users import UserRegistry
from .webhook import WebhookSender

LINK_TOKEN_TTL_SECONDS = 10 * 60


@dataclass
class EmulatorState:
    settings: EmulatorSettings
    clock: SimClock
    users: UserRegistry
    outbox: Outbox
    reply_tokens: TokenBook
    link_tokens: TokenBook
    retry_keys: RetryKeys
    richmenus: RichMenuStore
    api_log: ApiLog
    faults: Faults
    login: LoginStore
    webhooks: WebhookSender
    # Serialises retry-key check-and-deliver so two concurrent retries can't both deliver.
    push_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, settings: EmulatorSettings) -> EmulatorState:
        clock = SimClock()
        reply_tokens = TokenBook(clock, settings.reply_token_ttl_seconds)
        return cls(
            settings=settings,
            clock=clock,
            users=UserRegistry(),
            outbox=Outbox(clock),
            reply_tokens=reply_tokens,
            link_tokens=TokenBook(clock, LINK_TOKEN_TTL_SECONDS, make=ids.link_token),
            retry_keys=RetryKeys(clock),
            richmenus=RichMenuStore(),
            api_log=ApiLog(clock),
            faults=Faults(),
            login=LoginStore(clock),
            webhooks=WebhookSender(settings, clock, reply_tokens),
        )
