"""LINE Login v2.1: consent page, token exchange with PKCE, ID token and access token checks."""

from __future__ import annotations

import hmac
import time
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, redirect, render_template, request

from .. import ids, idtoken
from ..login import ACCESS_TOKEN_TTL_SECONDS, s256
from ..responses import line_error, line_json, oauth_error, state

bp = Blueprint("login", __name__)

ISSUER = "https://access.line.me"
ID_TOKEN_TTL_SECONDS = 60 * 60
_AUTHORIZE_FIELDS = ("client_id", "redirect_uri", "state", "scope", "nonce", "code_challenge")


def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _authorize_problem(args) -> str | None:
    if args.get("response_type") != "code":
        return "response_type must be code"
    if args.get("client_id") != state().settings.login_channel_id:
        return "client_id does not match the LINE Login channel"
    if not args.get("redirect_uri"):
        return "redirect_uri is required"
    if not args.get("state"):
        return "state is required"
    if not args.get("scope"):
        return "scope is required"
    if args.get("code_challenge") and args.get("code_challenge_method") != "S256":
        return "code_challenge_method must be S256"
    return None


@bp.get("/oauth2/v2.1/authorize")
def authorize():
    problem = _authorize_problem(request.args)
    if problem:
        return render_template("login_error.html", problem=problem), 400
    fields = {name: request.args.get(name, "") for name in _AUTHORIZE_FIELDS}
    fields["code_challenge_method"] = request.args.get("code_challenge_method", "")
    fields["response_type"] = "code"
    return render_template(
        "consent.html",
        fields=fields,
        users=state().users.all(),
        scopes=fields["scope"].split(),
    )


@bp.post("/oauth2/v2.1/authorize/consent")
def consent():
    form = request.form
    problem = _authorize_problem(form)
    if problem:
        return render_template("login_error.html", problem=problem), 400
    if form.get("decision") != "allow":
        return redirect(
            _with_query(
                form["redirect_uri"],
                {
                    "error": "access_denied",
                    "error_description": "The user has not accepted the request.",
                    "state": form["state"],
                },
            )
        )
    emulator = state()
    user_id = form.get("user_id", "")
    if user_id == "new" or not user_id:
        user_id = ids.user_id()
    elif not ids.is_user_id(user_id):
        return render_template("login_error.html", problem="user_id is invalid"), 400
    emulator.users.ensure(user_id, form.get("display_name") or None)
    code = emulator.login.issue_code(
        user_id=user_id,
        client_id=form["client_id"],
        redirect_uri=form["redirect_uri"],
        scope=form["scope"],
        nonce=form.get("nonce") or None,
        code_challenge=form.get("code_challenge") or None,
    )
    return redirect(_with_query(form["redirect_uri"], {"code": code, "state": form["state"]}))


@bp.post("/oauth2/v2.1/token")
def token():
    form = request.form
    emulator = state()
    settings = emulator.settings
    if form.get("grant_type") != "authorization_code":
        return oauth_error("unsupported_grant_type", "grant_type must be authorization_code")
    for name in ("code", "redirect_uri", "client_id", "client_secret"):
        if not form.get(name):
            return oauth_error("invalid_request", f"{name} is required")
    client_ok = form["client_id"] == settings.login_channel_id and hmac.compare_digest(
        form["client_secret"], settings.login_channel_secret
    )
    if not client_ok:
        return oauth_error("invalid_client", "invalid client_id or client_secret")
    code = emulator.login.usable_code(form["code"])
    if code is None or code.client_id != form["client_id"]:
        return oauth_error("invalid_grant", "invalid authorization code")
    if code.redirect_uri != form["redirect_uri"]:
        return oauth_error("invalid_grant", "redirect_uri does not match")
    if code.code_challenge is not None:
        verifier = form.get("code_verifier", "")
        if not verifier or not hmac.compare_digest(s256(verifier), code.code_challenge):
            return oauth_error("invalid_grant", "invalid code_verifier")
    if not emulator.login.consume_code(code.code):
        return oauth_error("invalid_grant", "invalid authorization code")
    access = emulator.login.issue_access_token(code.user_id, code.client_id, code.scope)
    body = {
        "access_token": access.token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_TTL_SECONDS,
        "refresh_token": ids.link_token(),
        "scope": code.scope,
    }
    if "openid" in code.scope.split():
        body["id_token"] = _mint_id_token(code)
    return line_json(body)


def _mint_id_token(code) -> str:
    emulator = state()
    user = emulator.users.get(code.user_id)
    # Wall-clock times, not the test clock: the bot checks iat and exp against its own clock,
    # which a test's advance of the emulator's clock (for reply tokens) does not move.
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": code.user_id,
        "aud": code.client_id,
        "exp": now + ID_TOKEN_TTL_SECONDS,
        "iat": now,
        "amr": ["linesso"],
    }
    if code.nonce:
        claims["nonce"] = code.nonce
    if user and "profile" in code.scope.split():
        claims["name"] = user.display_name
        if user.picture_url:
            claims["picture"] = user.picture_url
    return idtoken.mint(claims, emulator.settings.login_channel_secret)


@bp.post("/oauth2/v2.1/verify")
def verify_id_token():
    form = request.form
    emulator = state()
    if not form.get("id_token") or not form.get("client_id"):
        return oauth_error("invalid_request", "id_token and client_id are required")
    try:
        claims = idtoken.decode_verified(form["id_token"], emulator.settings.login_channel_secret)
    except idtoken.InvalidIdToken:
        return oauth_error("invalid_request", "Invalid IdToken.")
    if claims.get("iss") != ISSUER:
        return oauth_error("invalid_request", "Invalid IdToken Issuer.")
    if claims.get("exp", 0) <= emulator.clock.now():
        return oauth_error("invalid_request", "IdToken expired.")
    if claims.get("aud") != form["client_id"]:
        return oauth_error("invalid_request", "Invalid IdToken Audience.")
    if form.get("nonce") and claims.get("nonce") != form["nonce"]:
        return oauth_error("invalid_request", "Invalid IdToken Nonce.")
    if form.get("user_id") and claims.get("sub") != form["user_id"]:
        return oauth_error("invalid_request", "Invalid IdToken Subject Identifier.")
    return line_json(claims)


@bp.get("/oauth2/v2.1/verify")
def verify_access_token():
    emulator = state()
    access = emulator.login.access_token(request.args.get("access_token", ""))
    if access is None:
        return oauth_error("invalid_request", "access token expired")
    remaining = int(access.issued_at + ACCESS_TOKEN_TTL_SECONDS - emulator.clock.now())
    return line_json(
        {"scope": access.scope, "client_id": access.client_id, "expires_in": remaining}
    )


@bp.get("/v2/profile")
def login_profile():
    emulator = state()
    header = request.headers.get("Authorization", "")
    access = emulator.login.access_token(header.removeprefix("Bearer "))
    if not header.startswith("Bearer ") or access is None:
        return line_error(401, "invalid token")
    user = emulator.users.get(access.user_id)
    body = {"userId": access.user_id, "displayName": user.display_name if user else ""}
    if user and user.picture_url:
        body["pictureUrl"] = user.picture_url
    return line_json(body)
