"""JPKI (マイナンバーカードの公的個人認証) through an OpenID Connect provider.

Authorization code flow with PKCE (S256) and a confidential client (HTTP Basic). The ID token
is verified with joserfc against the provider's published keys; nothing here parses a JWT by
hand. The discovery document and the key set are fetched on first use and kept for the life
of the object; a token signed with a key we do not know makes us fetch the key set once more
(the provider rotated its keys).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlencode

from joserfc import jwt
from joserfc.errors import ClaimError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .http import HttpClient, HttpResponse, TransportError, Urllib3Http
from .model import (
    Clock,
    Document,
    Method,
    Outcome,
    ProviderError,
    ProviderUnavailable,
    Redirect,
    Secret,
    VerificationFailed,
    VerificationRequest,
    VerifiedIdentity,
    parse_birth_date,
    utc_now,
)

SCOPE = "openid profile address"
ID_TOKEN_ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 60
RETRYABLE_STATUSES = {429, 500, 502, 503, 504}
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def pkce_s256(code_verifier: str) -> str:
    """The S256 code challenge of RFC 7636 §4.2: BASE64URL(SHA256(ASCII(verifier)))."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class OidcIdentityProvider:
    method = Method.JPKI

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: Secret,
        http: HttpClient | None = None,
        clock: Clock = utc_now,
        leeway_seconds: int = LEEWAY_SECONDS,
    ) -> None:
        self._issuer = issuer
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = http or Urllib3Http()
        self._clock = clock
        self._leeway = leeway_seconds
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None

    def begin(self, request: VerificationRequest) -> Redirect:
        endpoint = self.metadata().authorization_endpoint
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._client_id,
                "redirect_uri": request.redirect_uri,
                "scope": SCOPE,
                "state": request.state,
                "nonce": request.nonce,
                "code_challenge": pkce_s256(request.code_verifier),
                "code_challenge_method": "S256",
            },
            quote_via=quote,
        )
        return Redirect(url=f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")

    def finish(
        self, request: VerificationRequest, callback_params: Mapping[str, str]
    ) -> VerifiedIdentity:
        """Turn the redirect back to us into a verified identity, or raise VerificationFailed.

        Raises ProviderUnavailable when the provider cannot be reached (try again later).
        """
        state = callback_params.get("state") or ""
        if not hmac.compare_digest(state.encode(), request.state.encode()):
            raise VerificationFailed(Outcome.INVALID, "state does not match the request")
        error = callback_params.get("error")
        if error:
            code = error if _ERROR_CODE.fullmatch(error) else "unrecognised"
            description = (callback_params.get("error_description") or "").lower()
            if error == "access_denied" and "cancel" in description:
                raise VerificationFailed(Outcome.CANCELLED, f"provider error {code}")
            raise VerificationFailed(Outcome.REJECTED, f"provider error {code}")
        code = callback_params.get("code")
        if not code:
            raise VerificationFailed(Outcome.INVALID, "callback carries neither code nor error")
        id_token = self._redeem(request, code)
        claims = self._verify(id_token, request.nonce)
        return self._identity(claims)

    # The provider's configuration, fetched once.

    def metadata(self) -> ProviderMetadata:
        if self._metadata is None:
            url = self._issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = _json_object(self._get(url), "discovery document")
            fields = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            values = {name: document.get(name) for name in fields}
            if not all(isinstance(value, str) and value for value in values.values()):
                raise ProviderError("discovery document lacks a required endpoint")
            if values["issuer"] != self._issuer:
                raise ProviderError("discovery document names another issuer")
            self._metadata = ProviderMetadata(**values)
        return self._metadata

    def _key_set(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            document = _json_object(self._get(self.metadata().jwks_uri), "key set")
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError) as error:
                raise ProviderError(f"key set is unusable: {type(error).__name__}") from error
        return self._keys

    # The token request and the ID token.

    def _redeem(self, request: VerificationRequest, code: str) -> str:
        credentials = f"{quote_plus(self._client_id)}:{quote_plus(self._client_secret())}"
        form = urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": request.redirect_uri,
                "code_verifier": request.code_verifier,
            }
        )
        response = self._call(
            "POST",
            self.metadata().token_endpoint,
            headers={
                "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            body=form.encode(),
        )
        if 400 <= response.status < 500:
            raise _token_error(response)
        if response.status != 200:
            raise VerificationFailed(Outcome.INVALID, f"token endpoint answered {response.status}")
        try:
            answer = response.json()
        except ValueError:
            raise VerificationFailed(Outcome.INVALID, "token response is not JSON") from None
        id_token = answer.get("id_token") if isinstance(answer, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise VerificationFailed(Outcome.INVALID, "token response has no id_token")
        return id_token

    def _verify(self, id_token: str, nonce: str) -> dict:
        try:
            try:
                token = jwt.decode(id_token, self._key_set(), algorithms=ID_TOKEN_ALGORITHMS)
            except InvalidKeyIdError:
                keys = self._key_set(refresh=True)
                token = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS)
            claims = token.claims
            jwt.JWTClaimsRegistry(
                now=lambda: int(self._clock().timestamp()),
                leeway=self._leeway,
                iss={"essential": True, "value": self._issuer},
                aud={"essential": True, "value": self._client_id},
                azp={"value": self._client_id},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(claims)
        except ClaimError as error:
            raise VerificationFailed(
                Outcome.INVALID, f"id token {type(error).__name__} ({error.claim})"
            ) from None
        except (JoseError, ValueError) as error:
            raise VerificationFailed(Outcome.INVALID, f"id token {type(error).__name__}") from None
        if not isinstance(claims.get("nonce"), str):
            raise VerificationFailed(Outcome.INVALID, "id token nonce is not a string")
        audience = claims.get("aud")
        if isinstance(audience, list) and len(audience) > 1 and "azp" not in claims:
            # OpenID Connect Core §3.1.3.7: several audiences need azp naming us.
            raise VerificationFailed(Outcome.INVALID, "id token has several audiences, no azp")
        return claims

    def _identity(self, claims: dict) -> VerifiedIdentity:
        name = claims.get("name")
        birthdate = claims.get("birthdate")
        address = claims.get("address")
        formatted = address.get("formatted") if isinstance(address, dict) else None
        transaction_id = claims.get("txn") or claims.get("sub")
        if not all(isinstance(v, str) and v.strip() for v in (name, formatted, transaction_id)):
            raise VerificationFailed(Outcome.INVALID, "id token lacks name, address or txn")
        birth_date = parse_birth_date(birthdate)
        if birth_date is None:
            raise VerificationFailed(Outcome.INVALID, "id token lacks a valid birthdate")
        return VerifiedIdentity(
            method=Method.JPKI,
            transaction_id=transaction_id,
            name=name.strip(),
            birth_date=birth_date,
            address=formatted.strip(),
            verified_at=self._clock(),
            document=Document.MY_NUMBER_CARD,
        )

    # HTTP.

    def _get(self, url: str) -> HttpResponse:
        response = self._call("GET", url, headers={"Accept": "application/json"})
        if response.status != 200:
            raise ProviderError(f"GET {url} answered {response.status}")
        return response

    def _call(self, method: str, url: str, **kwargs) -> HttpResponse:
        try:
            response = self._http.request(method, url, **kwargs)
        except (TransportError, OSError) as error:
            raise ProviderUnavailable(f"{method} {url}: {error}") from error
        if response.status in RETRYABLE_STATUSES or response.status >= 500:
            raise ProviderUnavailable(f"{method} {url} answered {response.status}")
        return response


def _token_error(response: HttpResponse) -> VerificationFailed:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    answer = answer if isinstance(answer, dict) else {}
    error = answer.get("error")
    description = answer.get("error_description")
    code = error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else "unrecognised"
    expired = isinstance(description, str) and "expired" in description.lower()
    if error == "invalid_grant" and expired:
        return VerificationFailed(Outcome.EXPIRED, "authorization code expired")
    return VerificationFailed(Outcome.INVALID, f"token endpoint answered {response.status} {code}")


def _json_object(response: HttpResponse, what: str) -> dict:
    try:
        document = response.json()
    except ValueError:
        raise ProviderError(f"{what} is not JSON") from None
    if not isinstance(document, dict):
        raise ProviderError(f"{what} is not a JSON object")
    return document
