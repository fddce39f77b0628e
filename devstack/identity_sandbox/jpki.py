"""JPKI over OpenID Connect, like the Digital Agency's デジタル認証アプリ: code flow with PKCE."""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from urllib.parse import unquote_plus

from flask import Blueprint, redirect, render_template, request

from .jpki_store import AuthCode, s256
from .personas import PERSONAS, VERIFIED_ADDRESS, VERIFIED_BIRTHDATE, VERIFIED_NAME, persona
from .responses import error_page, json_response, oauth_error, state
from .urls import is_http_url, with_query

bp = Blueprint("jpki", __name__, url_prefix="/jpki")

ID_TOKEN_TTL_SECONDS = 600
ACCESS_TOKEN_TTL_SECONDS = 600
_BAD_REQUEST_TITLE = "リクエストが正しくありません"


@bp.get("/.well-known/openid-configuration")
def discovery():
    issuer = state().jpki_issuer
    return json_response(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "address"],
            "claims_supported": ["sub", "name", "birthdate", "address", "txn", "nonce"],
        }
    )


@bp.get("/jwks")
def jwks():
    return json_response(state().signing_key.jwks())


def _redirect_uri_allowed(uri: str) -> bool:
    registered = state().settings.redirect_uris
    return uri in registered if registered else is_http_url(uri)


def _request_problem(args) -> str | None:
    """What is wrong with an authorize request whose client and redirect URI are sound."""
    if args.get("response_type") != "code":
        return "response_type must be code"
    if "openid" not in args.get("scope", "").split():
        return "scope must contain openid"
    for name in ("state", "nonce", "code_challenge"):
        if not args.get(name):
            return f"{name} is required"
    if args.get("code_challenge_method") != "S256":
        return "code_challenge_method must be S256"
    return None


@bp.get("/authorize")
def authorize():
    args = request.args
    # An unknown client or redirect URI is shown here, never redirected: sending the browser to
    # an unregistered address is how authorization codes get stolen.
    if args.get("client_id") != state().settings.client_id:
        return error_page(400, _BAD_REQUEST_TITLE, "client_id が登録されていません")
    redirect_uri = args.get("redirect_uri", "")
    if not _redirect_uri_allowed(redirect_uri):
        return error_page(400, _BAD_REQUEST_TITLE, "redirect_uri が登録されていません")
    problem = _request_problem(args)
    if problem:
        params = {"error": "invalid_request", "error_description": problem}
        if args.get("state"):
            params["state"] = args["state"]
        return redirect(with_query(redirect_uri, params))
    pending = state().jpki.hold_request(
        client_id=args["client_id"],
        redirect_uri=redirect_uri,
        state=args["state"],
        nonce=args["nonce"],
        code_challenge=args["code_challenge"],
    )
    return render_template(
        "jpki_authorize.html", request_id=pending.id, personas=PERSONAS, client_id=args["client_id"]
    )


@bp.post("/authorize/decide")
def decide():
    pending = state().jpki.take_request(request.form.get("request_id", ""))
    if pending is None:
        return error_page(
            400, _BAD_REQUEST_TITLE, "この本人確認のリクエストは無効か、すでに使われています"
        )
    chosen = persona(request.form.get("persona", ""))
    if chosen is None:
        return error_page(400, _BAD_REQUEST_TITLE, "ペルソナを選んでください")
    if chosen.id in ("rejected", "cancelled"):
        params = {"error": "access_denied", "error_description": chosen.id}
    else:
        code = state().jpki.issue_code(pending, chosen.id, expired=chosen.id == "expired")
        params = {"code": code}
    params["state"] = pending.state
    return redirect(with_query(pending.redirect_uri, params))


def _client_credentials() -> tuple[str, str] | str:
    """(client_id, client_secret) from Basic auth or the form, or what is wrong with them."""
    form = request.form
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        if form.get("client_secret"):
            return "use one client authentication method, not two"
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            raw_id, raw_secret = decoded.split(":", 1)
        except ValueError:
            return "malformed Basic credentials"
        # RFC 6749 2.3.1: both parts are form-urlencoded before they are joined.
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if form.get("client_id", client_id) != client_id:
            return "client_id differs between the header and the form"
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _client_ok(client_id: str, secret: str) -> bool:
    settings = state().settings
    id_ok = hmac.compare_digest(client_id.encode(), settings.client_id.encode())
    secret_ok = hmac.compare_digest(secret.encode(), settings.client_secret.encode())
    return id_ok and secret_ok


@bp.post("/token")
def token():
    form = request.form
    credentials = _client_credentials()
    if isinstance(credentials, str) or not _client_ok(*credentials):
        problem = credentials if isinstance(credentials, str) else "client authentication failed"
        return oauth_error(
            "invalid_client", problem, 401, {"WWW-Authenticate": 'Basic realm="jpki"'}
        )
    if form.get("grant_type") != "authorization_code":
        return oauth_error("unsupported_grant_type", "grant_type must be authorization_code")
    for name in ("code", "redirect_uri", "code_verifier"):
        if not form.get(name):
            return oauth_error("invalid_request", f"{name} is required")
    code = state().jpki.redeem(form["code"])
    if code is None or code.client_id != credentials[0]:
        return oauth_error("invalid_grant", "invalid or already used authorization code")
    if code.expired(time.time()):
        return oauth_error("invalid_grant", "code expired")
    if code.redirect_uri != form["redirect_uri"]:
        return oauth_error("invalid_grant", "redirect_uri does not match")
    if not hmac.compare_digest(s256(form["code_verifier"]), code.code_challenge):
        return oauth_error("invalid_grant", "code_verifier does not match code_challenge")
    body = {
        "access_token": secrets.token_urlsafe(32),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_TTL_SECONDS,
        "id_token": _id_token(code),
    }
    return json_response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _id_token(code: AuthCode) -> str:
    sandbox = state()
    now = int(time.time())
    nonce = code.nonce
    if code.persona_id == "mismatched_nonce":
        nonce = secrets.token_urlsafe(16)
    claims = {
        "iss": sandbox.jpki_issuer,
        "aud": code.client_id,
        "sub": sandbox.subjects[code.persona_id],
        "iat": now,
        "exp": now + ID_TOKEN_TTL_SECONDS,
        "nonce": nonce,
        "txn": f"jpki-{secrets.token_hex(16)}",
        "name": VERIFIED_NAME,
        "birthdate": VERIFIED_BIRTHDATE,
        "address": {"formatted": VERIFIED_ADDRESS},
    }
    return sandbox.signing_key.sign(claims)
