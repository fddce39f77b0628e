"""A registration in progress, kept for at most a day and deleted with its personal data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from ..identity import Document, Method
from ..privacy import mask_id


class Stage(StrEnum):
    TERMS = "terms"  # the terms of use are shown; 同意します moves on
    METHOD = "method"  # マイナンバーカード or 顔認証
    DOCUMENT = "document"  # 顔認証: which document
    VERIFYING = "verifying"  # the patron is at the provider
    CATEGORY = "category"  # the questions, once the identity is verified
    CONTACT = "contact"
    NOTICE_TITLES = "notice-titles"
    CONFIRM = "confirm"  # everything shown with 登録 / 修正 / 中止


class Category(StrEnum):
    """Who may register (the seed's 区内在住 / 都内在住 / 都内在学 / 都内在勤)."""

    WARD_RESIDENT = "ward-resident"
    TOKYO_RESIDENT = "tokyo-resident"
    TOKYO_STUDENT = "tokyo-student"
    TOKYO_WORKER = "tokyo-worker"


QUESTIONS = (Stage.CATEGORY, Stage.CONTACT, Stage.NOTICE_TITLES)


@dataclass(frozen=True, repr=False)
class VerifiedFacts:
    """What the identity check proved: shown to the patron, never retyped."""

    method: Method
    document: Document | None
    transaction_id: str  # the provider's, kept on the patron record as evidence
    verified_at: datetime
    name: str
    birth_date: date
    address: str

    def __repr__(self) -> str:
        return f"VerifiedFacts({self.method}, txn={mask_id(self.transaction_id)})"


@dataclass(frozen=True, repr=False)
class Attempt:
    """One identity check: the link the patron opens and the values bound to the provider.

    `start_token` is in the button's URL; `state` travels to the provider and back and is
    accepted once; `nonce` must come back inside the provider's signed answer.
    """

    start_token: str
    state: str
    nonce: str
    code_verifier: str
    expires_at: datetime
    provider_session_id: str | None = None  # a face provider's session, once opened

    def __repr__(self) -> str:
        return "Attempt(…)"

    @classmethod
    def new(cls, now: datetime, lifetime: timedelta) -> Attempt:
        # 32 random bytes each: far beyond guessing, and the PKCE verifier's 43-128 characters.
        token = secrets.token_urlsafe
        return cls(token(32), token(32), token(32), token(32), now + lifetime)

    def is_open(self, now: datetime) -> bool:
        return now < self.expires_at


@dataclass(frozen=True, repr=False)
class Registration:
    line_user_id: str
    stage: Stage
    expires_at: datetime
    method: Method | None = None
    document: Document | None = None
    attempt: Attempt | None = None
    verified: VerifiedFacts | None = None
    category: Category | None = None
    contact: str | None = None
    notice_titles: bool | None = None
    amending: bool = False  # 修正: after the answer, back to the confirmation
    version: int | None = None  # None until first saved

    def __repr__(self) -> str:
        return f"Registration({mask_id(self.line_user_id)}, {self.stage})"

    def at(self, stage: Stage, **changes) -> Registration:
        return replace(self, stage=stage, **changes)

    def answered(self, **answer) -> Registration:
        """The answer recorded, then the next question, or the confirmation when amending."""
        updated = replace(self, **answer)
        if self.amending:
            return replace(updated, stage=Stage.CONFIRM, amending=False)
        following = QUESTIONS.index(self.stage) + 1
        return replace(
            updated, stage=QUESTIONS[following] if following < len(QUESTIONS) else Stage.CONFIRM
        )

    def is_complete(self) -> bool:
        return (
            self.verified is not None
            and self.category is not None
            and self.contact is not None
            and self.notice_titles is not None
        )
