"""Face eKYC: the product opens a session, the patron is sent to its page, a signed webhook
tells the product the result and the browser returns to the product."""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, request

from .face_store import DOCUMENTS, FaceSession
from .personas import PERSONAS, VERIFIED_ADDRESS, VERIFIED_BIRTHDATE, VERIFIED_NAME, persona
from .responses import error_page, json_error, json_response, state
from .urls import is_http_url, with_query
from .webhook import deliver

bp = Blueprint("face", __name__, url_prefix="/face")

_MAX_REFERENCE_LENGTH = 200


def _authorised() -> bool:
    header = request.headers.get("Authorization", "")
    given = header[7:] if header[:7].lower() == "bearer " else ""
    return hmac.compare_digest(given.encode(), state().settings.face_api_key.encode())


def _session_problem(body) -> str | None:
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    reference = body.get("reference")
    if not isinstance(reference, str) or not reference:
        return "reference must be a non-empty string"
    if len(reference) > _MAX_REFERENCE_LENGTH:
        return f"reference must be at most {_MAX_REFERENCE_LENGTH} characters"
    if body.get("document") not in DOCUMENTS:
        return "document must be one of " + ", ".join(DOCUMENTS)
    for name in ("return_url", "webhook_url"):
        if not is_http_url(body.get(name)):
            return f"{name} must be an http(s) URL"
    return None


@bp.post("/v1/sessions")
def create_session():
    if not _authorised():
        return json_error(401, "missing or invalid API key")
    body = request.get_json(silent=True, force=True)
    problem = _session_problem(body)
    if problem:
        return json_error(400, problem)
    session = state().face.create(
        body["reference"], body["document"], body["return_url"], body["webhook_url"]
    )
    return json_response(
        {"id": session.id, "url": _page_url(session), "expires_at": session.expires_at}, 201
    )


@bp.get("/v1/sessions/<session_id>")
def session_status(session_id: str):
    if not _authorised():
        return json_error(401, "missing or invalid API key")
    session = state().face.get(session_id)
    if session is None:
        return json_error(404, "session not found")
    return json_response(session.outcome or session.pending_view())


def _page_url(session: FaceSession) -> str:
    return f"{state().base_url}/face/sessions/{session.id}"


def _open_session(session_id: str) -> FaceSession | tuple:
    """The session if a persona may still be chosen for it, else the page saying why not."""
    session = state().face.get(session_id)
    if session is None:
        return error_page(404, "セッションが見つかりません", "この本人確認のリンクは無効です")
    if session.decided:
        return error_page(409, "本人確認は完了しています", "このセッションはすでに完了しています")
    if session.expired(time.time()):
        return error_page(410, "有効期限切れ", "このセッションは有効期限が切れています")
    return session


@bp.get("/sessions/<session_id>")
def session_page(session_id: str):
    session = _open_session(session_id)
    if not isinstance(session, FaceSession):
        return session
    return render_template("face_session.html", session=session, personas=PERSONAS)


@bp.post("/sessions/<session_id>/decide")
def decide(session_id: str):
    session = _open_session(session_id)
    if not isinstance(session, FaceSession):
        return session
    chosen = persona(request.form.get("persona", ""))
    if chosen is None:
        return error_page(400, "リクエストが正しくありません", "ペルソナを選んでください")
    # Claimed before the webhook goes out, so two quick submits can't both deliver.
    if not state().face.claim(session.id):
        return error_page(409, "本人確認は完了しています", "このセッションはすでに完了しています")
    outcome = _outcome(session, chosen.id, chosen.face_result)
    settings = state().settings
    delivery = deliver(
        session.webhook_url,
        outcome,
        settings.face_webhook_secret,
        settings.webhook_timeout_seconds,
        session.id,
    )
    state().face.finish(session.id, outcome, delivery)
    if not delivery.ok:
        return render_template("webhook_failed.html", session=session, delivery=delivery), 502
    return redirect(with_query(session.return_url, {"session_id": session.id}), 303)


def _outcome(session: FaceSession, persona_id: str, result: str) -> dict:
    reference = session.reference
    if persona_id == "mismatched_nonce":
        # The face provider's counterpart of a wrong nonce: a result for some other request.
        reference = f"ref-{secrets.token_hex(8)}"
    verified = None
    if result == "approved":
        verified = {
            "name": VERIFIED_NAME,
            "birthdate": VERIFIED_BIRTHDATE,
            "address": VERIFIED_ADDRESS,
        }
    return {
        "event": "session.completed",
        "session_id": session.id,
        "reference": reference,
        "result": result,
        "document": session.document,
        "completed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verified": verified,
        "transaction_id": f"face-{secrets.token_hex(16)}",
    }
