"""利用者登録 in the chat: terms → method (→ document) → identity check → questions →
confirmation → 登録 / 修正 / 中止.

The registration itself (with its personal data) lives in the registration store, not in the
conversation, so that it expires on its own clock and 中止 can delete all of it. A button from
an older message that does not fit the registration's stage is answered with the current step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools import Logger

from ..identity import Document, Method
from ..patrons.directory import LineUserAlreadyLinked, PatronDirectory
from ..patrons.model import IdentityEvidence, PatronStatus, RegisteredVia
from ..patrons.registration import InvalidPatronDetails, check_contact
from ..privacy import mask_id
from ..registration.model import Attempt, Category, Registration, Stage
from ..registration.store import RegistrationStore
from . import register_messages as shown
from .state import IDLE, Conversation
from .turn import Turn

logger = Logger(child=True)

STEP = "register"  # the conversation's step while a registration is open (typed contact)
SESSION_LIFETIME = timedelta(hours=24)
ATTEMPT_LIFETIME = timedelta(minutes=30)


def _now() -> datetime:
    return datetime.now(UTC)


class RegisterFlow:
    def __init__(
        self,
        registrations: RegistrationStore,
        patrons: PatronDirectory,
        start_url: Callable[[str], str],
        terms: Callable[[], str],
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._registrations = registrations
        self._patrons = patrons
        self._start_url = start_url
        self._terms = terms
        self._clock = clock

    def postbacks(self) -> dict:
        in_stage = self._in_stage
        return {
            shown.START: self.start,
            shown.AGREE: in_stage(
                self.agree, Stage.TERMS, Stage.METHOD, Stage.DOCUMENT, Stage.VERIFYING
            ),
            shown.DISAGREE: in_stage(self.disagree, Stage.TERMS),
            shown.METHOD: in_stage(self.method, Stage.METHOD),
            shown.DOCUMENT: in_stage(self.document, Stage.DOCUMENT),
            shown.RETRY: in_stage(self.retry, Stage.VERIFYING),
            shown.CATEGORY: in_stage(self.category, Stage.CATEGORY),
            shown.NOTICE_TITLES: in_stage(self.notice_titles, Stage.NOTICE_TITLES),
            shown.AMEND: in_stage(self.amend, Stage.CONFIRM),
            shown.AMEND_FIELD: in_stage(self.amend_field, Stage.CONFIRM),
            shown.SUBMIT: in_stage(self.submit, Stage.CONFIRM),
            shown.ABORT: self.abort,
        }

    def is_waiting_for_text(self, conversation: Conversation) -> bool:
        return conversation.step == STEP

    # -- entering ------------------------------------------------------------------------
    def start(self, conversation: Conversation, _params: dict) -> Turn:
        if self._patrons.by_line_user(conversation.user_id) is not None:
            return Turn(shown.already_linked())
        current = self._registrations.get(conversation.user_id)
        if current is None:
            current = self._save(
                Registration(
                    line_user_id=conversation.user_id,
                    stage=Stage.TERMS,
                    expires_at=self._clock() + SESSION_LIFETIME,
                )
            )
        return self._show(conversation, current)

    def _in_stage(self, step, *stages: Stage):
        """`step` for a registration at one of `stages`; otherwise the current step again."""

        def answer(conversation: Conversation, params: dict) -> Turn:
            registration = self._registrations.get(conversation.user_id)
            if registration is None:
                return self._no_session(conversation)
            if registration.stage not in stages:
                return self._show(conversation, registration)
            return step(conversation, registration, params)

        return answer

    def _show(self, conversation: Conversation, registration: Registration) -> Turn:
        """Where the registration stands, as if the patron had just arrived at that step."""
        stage = registration.stage
        if stage is Stage.TERMS:
            said = shown.terms(self._terms())
        elif stage is Stage.METHOD:
            said = shown.methods()
        elif stage is Stage.DOCUMENT:
            said = shown.documents()
        elif stage is Stage.VERIFYING:
            attempt = registration.attempt
            if attempt is not None and attempt.is_open(self._clock()):
                said = shown.open_verification(self._start_url(attempt.start_token))
            else:  # the last check failed or its link expired: offer another
                said = shown.verification_failed("expired" if attempt else "again")
        else:
            said = shown.question(registration)
        return Turn(said, conversation.moved_to(STEP))

    # -- before the identity check -------------------------------------------------------
    def agree(self, conversation, registration: Registration, _params) -> Turn:
        saved = self._save(registration.at(Stage.METHOD, attempt=None, method=None, document=None))
        return self._show(conversation, saved)

    def disagree(self, conversation, registration: Registration, _params) -> Turn:
        self._registrations.delete(registration.line_user_id)
        return Turn(shown.ended(shown.texts.REGISTER_DECLINED), conversation.moved_to(IDLE))

    def method(self, conversation, registration: Registration, params: dict) -> Turn:
        try:
            method = Method(params.get("m", ""))
        except ValueError:
            return self._show(conversation, registration)
        if method is Method.FACE:
            saved = self._save(registration.at(Stage.DOCUMENT, method=method))
            return self._show(conversation, saved)
        return self._verify(conversation, registration.at(Stage.VERIFYING, method=method))

    def document(self, conversation, registration: Registration, params: dict) -> Turn:
        try:
            document = Document(params.get("d", ""))
        except ValueError:
            return self._show(conversation, registration)
        return self._verify(conversation, registration.at(Stage.VERIFYING, document=document))

    def retry(self, conversation, registration: Registration, _params) -> Turn:
        return self._verify(conversation, registration)

    def _verify(self, conversation: Conversation, registration: Registration) -> Turn:
        """A fresh attempt and the button that opens it."""
        attempt = Attempt.new(self._clock(), ATTEMPT_LIFETIME)
        saved = self._registrations.save_new_attempt(
            registration.at(Stage.VERIFYING, attempt=attempt)
        )
        return self._show(conversation, saved)

    # -- the questions -------------------------------------------------------------------
    def category(self, conversation, registration: Registration, params: dict) -> Turn:
        try:
            category = Category(params.get("v", ""))
        except ValueError:
            return self._show(conversation, registration)
        return self._show(conversation, self._save(registration.answered(category=category)))

    def on_text(self, typed: str, conversation: Conversation) -> Turn:
        registration = self._registrations.get(conversation.user_id)
        if registration is None:
            return self._no_session(conversation)
        if registration.stage is not Stage.CONTACT:
            if registration.stage in (Stage.CATEGORY, Stage.NOTICE_TITLES):
                return Turn(
                    shown.question(registration, shown.texts.REGISTER_ANSWER_BUTTONS),
                    conversation.moved_to(STEP),
                )
            return self._show(conversation, registration)
        try:
            contact = check_contact(typed)
        except InvalidPatronDetails as wrong:
            return Turn(shown.question(registration, str(wrong)), conversation.moved_to(STEP))
        return self._show(conversation, self._save(registration.answered(contact=contact)))

    def notice_titles(self, conversation, registration: Registration, params: dict) -> Turn:
        if params.get("v") not in ("0", "1"):
            return self._show(conversation, registration)
        answered = registration.answered(notice_titles=params["v"] == "1")
        return self._show(conversation, self._save(answered))

    # -- the confirmation ----------------------------------------------------------------
    def amend(self, conversation, _registration, _params) -> Turn:
        return Turn(shown.amend_choices(), conversation.moved_to(STEP))

    def amend_field(self, conversation, registration: Registration, params: dict) -> Turn:
        try:
            stage = Stage(params.get("f", ""))
        except ValueError:
            stage = None
        if stage not in shown.AMENDABLE:
            return self._show(conversation, registration)
        return self._show(conversation, self._save(registration.at(stage, amending=True)))

    def submit(self, conversation, registration: Registration, _params) -> Turn:
        if not registration.is_complete():
            return self._show(conversation, registration)
        facts = registration.verified
        try:
            patron = self._patrons.register(
                facts.name,
                facts.birth_date,
                registration.contact,
                PatronStatus.PROVISIONAL,
                RegisteredVia.LINE,
                line_user_id=registration.line_user_id,
                address=facts.address,
                category=registration.category.value,
                notice_titles=registration.notice_titles,
                identity=IdentityEvidence(
                    method=facts.method.value,
                    document=facts.document.value if facts.document else None,
                    transaction_id=facts.transaction_id,
                    verified_at=facts.verified_at,
                ),
            )
        except LineUserAlreadyLinked:
            self._registrations.delete(registration.line_user_id)
            return Turn(shown.already_linked(), conversation.moved_to(IDLE))
        except InvalidPatronDetails as wrong:
            # Verified facts the patron record refuses (an address too long, say): nothing
            # the patron can retype here, so the counter has to help.
            logger.warning("verified facts refused", extra={"reason": type(wrong).__name__})
            return Turn(shown.ended(str(wrong)), conversation.moved_to(STEP))
        self._registrations.delete(registration.line_user_id)
        logger.info(
            "patron registered from LINE",
            extra={"patron": mask_id(patron.patron_id), "method": facts.method.value},
        )
        return Turn(
            shown.done(patron.patron_id, registration.category.value), conversation.moved_to(IDLE)
        )

    def abort(self, conversation: Conversation, _params: dict) -> Turn:
        self._registrations.delete(conversation.user_id)
        return Turn(shown.ended(shown.texts.REGISTER_ABORTED), conversation.moved_to(IDLE))

    def _no_session(self, conversation: Conversation) -> Turn:
        """No registration open: finished (a second tap of 登録), given up, or expired."""
        if self._patrons.by_line_user(conversation.user_id) is not None:
            return Turn(shown.already_linked(), conversation.moved_to(IDLE))
        return Turn(shown.no_session(), conversation.moved_to(IDLE))

    def _save(self, registration: Registration) -> Registration:
        return self._registrations.save(registration)
