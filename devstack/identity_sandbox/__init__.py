"""Identity-verification sandbox for local development and tests.

Plays, on one port, the two providers 利用者登録 verifies a patron with: JPKI (the My Number
card) over OpenID Connect, like the Digital Agency's デジタル認証アプリ, and a face eKYC service
with sessions and signed webhooks. A developer, or a test acting as a browser, picks a persona
on the provider's page instead of holding up a card.

    from devstack.identity_sandbox import IdentitySandbox, SandboxSettings
    sandbox = IdentitySandbox(SandboxSettings(port=0)).start()  # port 0 picks a free port
    sandbox.url, sandbox.jpki_issuer, sandbox.face_api_base_url, sandbox.settings.client_secret
    sandbox.stop()

or ``python -m devstack.identity_sandbox --port 3002`` (prints the secrets it uses; they are
random unless given with --client-secret, --face-api-key, --face-webhook-secret).

Personas (the same ids on both providers)
    success, rejected, cancelled, expired, mismatched_nonce; see personas.py.

JPKI, under /jpki (issuer = <url>/jpki)
    GET  /.well-known/openid-configuration, GET /jwks (RS256 key made at start)
    GET  /authorize?response_type=code&client_id&redirect_uri&scope=openid ...&state&nonce
                   &code_challenge&code_challenge_method=S256
        -> the persona page; an unknown client_id or redirect_uri is a 400 page (never a
           redirect), other problems redirect with error=invalid_request&state.
           redirect_uris empty in the settings means any http(s) URI is accepted.
    POST /authorize/decide  request_id (server-side), persona
        -> redirect_uri?code&state, or error=access_denied&error_description=rejected|cancelled
    POST /token  grant_type=authorization_code, code, redirect_uri, code_verifier; client by
                 HTTP Basic or client_id + client_secret in the form
        -> {"access_token", "token_type": "Bearer", "expires_in": 600, "id_token"}; a code works
           once and for 60 seconds; errors per RFC 6749 (invalid_client is 401).
    ID token claims: iss, aud, sub (pairwise, stable per persona per run), iat, exp (+600),
    nonce, txn ("jpki-<hex>"), name, birthdate, address.formatted.

Face eKYC, under /face (Authorization: Bearer <face_api_key> on /face/v1/*)
    POST /v1/sessions {"reference", "document": my_number_card|drivers_license|passport|
                       residence_card, "return_url", "webhook_url"}
        -> 201 {"id": "fs_...", "url": "<url>/face/sessions/<id>", "expires_at"}
    GET  /v1/sessions/<id> -> the webhook body once decided, else its shape with nulls
    GET  /sessions/<id>, POST /sessions/<id>/decide persona   (the patron's page; once only)
        -> POSTs {"event": "session.completed", "session_id", "reference", "result",
           "document", "completed_at", "verified", "transaction_id"} to webhook_url, signed
           X-Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, then 303
           to return_url?session_id=<id>; a failed webhook shows a 502 page instead.

Test API (no auth, JSON)
    GET /_sandbox/webhooks -> [{"session_id", "url", "status", "error"}], oldest first
"""

from .server import IdentitySandbox, SandboxStartError
from .settings import SandboxSettings

__all__ = ["IdentitySandbox", "SandboxSettings", "SandboxStartError"]
