"""LINE Login v2.1 for the web (the My Page site): who is this LINE user?

Authorization code flow with `state`, `nonce` and PKCE (S256). The code is exchanged at the
token endpoint with the Login channel's ID and secret, and the ID token that comes back is
verified with joserfc as LINE documents for web login: HS256 keyed by the channel secret,
`iss` https://access.line.me, `aud` the channel ID, `exp`, and our `nonce`. Nothing here
parses a JWT by hand and nothing calls LINE's /verify endpoint (the signature is checked
locally). The answer is the LINE user ID (`sub`), the same one the Messaging API knows as long
as the Login channel is under the same provider as the Messaging API channel.

The issuer is a constant, apart from `access_base_url`: LINE (and the devstack's emulator,
wherever it listens) always mint `iss` = https://access.line.me.

HTTP goes through `identity.http.HttpClient` (urllib3, explicit timeouts, no retries: a code
is single use), so tests can replace it.

joserfc (and cryptography under it) is imported only when a URL is built or a token checked:
importing this module for LoginRequest and LineLoginFailed costs a function nothing at start.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..identity.http import HttpClient, HttpResponse, TransportError, Urllib3Http
from ..identity.model import Clock, utc_now
from .ids import is_line_user_id

LINE_ISSUER = "https://access.line.me"
SCOPE = "openid profile"
ID_TOKEN_ALGORITHMS = ["HS256"]
LEEWAY_SECONDS = 60
RETRYABLE_STATUSES = {429, 500, 502, 503, 504}
# Authorization errors that mean "LINE could not answer now", not "LINE said no".
_UNAVAILABLE_ERRORS = {"server_error", "temporarily_unavailable"}
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class LineLoginFailed(Exception):
    """The login did not prove a LINE user. `reason` says what to tell the user:

    - "cancelled": the user declined on LINE's consent screen (error=access_denied);
    - "state": the callback does not belong to this login (mismatched or missing state);
    - "exchange": LINE refused the login: the token endpoint refused the code (replayed,
      expired, another redirect_uri, the wrong code_verifier or client credentials), the
      callback carried no code, or LINE's authorize step answered an error other than a
      cancel or an outage;
    - "id_token": the ID token failed verification (signature, alg, iss, aud, exp/iat,
      nonce, or a `sub` that is not a LINE user ID), or the token response carried none;
    - "unavailable": LINE did not answer (5xx, 429, timeout, refused connection): try later.

    The message never contains a code, a token or a secret.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"LINE Login failed ({reason}): {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, repr=False)
class LoginRequest:
    """One login attempt's secrets, kept server-side (or sealed) until LINE redirects back."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> LoginRequest:
        # 32 random bytes each: 256 bits, and a 43-character verifier (RFC 7636 §4.1: 43–128).
        return cls(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(32),
        )

    def __repr__(self) -> str:
        return "LoginRequest(state=<hidden>, nonce=<hidden>, code_verifier=<hidden>)"


class LineLogin:
    def __init__(
        self,
        channel_id: str,
        channel_secret: Callable[[], str],
        access_base_url: str = "https://access.line.me",
        api_base_url: str = "https://api.line.me",
        http: HttpClient | None = None,
        clock: Clock = utc_now,
        leeway_seconds: int = LEEWAY_SECONDS,
    ) -> None:
        self._channel_id = channel_id
        self._channel_secret = channel_secret
        self._authorize_endpoint = access_base_url.rstrip("/") + "/oauth2/v2.1/authorize"
        self._token_endpoint = api_base_url.rstrip("/") + "/oauth2/v2.1/token"
        self._http = http or Urllib3Http()
        self._clock = clock
        self._leeway = leeway_seconds

    def __repr__(self) -> str:
        return f"LineLogin(channel_id={self._channel_id!r})"

    def authorize_url(
        self, request: LoginRequest, redirect_uri: str, prompt_consent: bool = False
    ) -> str:
        """Where to send the browser: LINE's login and consent screen for this request."""
        from ..identity.oidc import pkce_s256  # brings in joserfc

        params = {
            "response_type": "code",
            "client_id": self._channel_id,
            "redirect_uri": redirect_uri,
            "state": request.state,
            "scope": SCOPE,
            "nonce": request.nonce,
            "code_challenge": pkce_s256(request.code_verifier),
            "code_challenge_method": "S256",
        }
        if prompt_consent:
            params["prompt"] = "consent"
        return f"{self._authorize_endpoint}?{urlencode(params, quote_via=quote)}"

    def finish(self, request: LoginRequest, params: Mapping[str, str], redirect_uri: str) -> str:
        """The LINE user ID proven by LINE's redirect back to `redirect_uri` with `params`.

        `redirect_uri` must be the one given to authorize_url. Raises LineLoginFailed.
        """
        given_state = params.get("state")
        if not isinstance(given_state, str) or not hmac.compare_digest(
            given_state.encode(), request.state.encode()
        ):
            raise LineLoginFailed("state", "state does not match the login request")
        error = params.get("error")
        if error:
            shown = error if _ERROR_CODE.fullmatch(error) else "unrecognised"
            # LINE's documentation spells the codes in lower case and in upper case.
            if shown.lower() == "access_denied":
                raise LineLoginFailed("cancelled", "the user did not accept the request")
            if shown.lower() in _UNAVAILABLE_ERRORS:
                raise LineLoginFailed("unavailable", f"authorization answered {shown}")
            raise LineLoginFailed("exchange", f"authorization answered {shown}")
        code = params.get("code")
        if not isinstance(code, str) or not code:
            raise LineLoginFailed("exchange", "callback carries neither code nor error")
        id_token = self._redeem(request, code, redirect_uri)
        return self._verify(id_token, request.nonce)

    # The token request.

    def _redeem(self, request: LoginRequest, code: str, redirect_uri: str) -> str:
        form = urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": self._channel_id,
                "client_secret": self._channel_secret(),
                "code_verifier": request.code_verifier,
            }
        )
        response = self._post(self._token_endpoint, form.encode())
        if response.status != 200:
            raise LineLoginFailed(
                "exchange", f"token endpoint answered {response.status} {_oauth_error(response)}"
            )
        try:
            answer = response.json()
        except ValueError:
            raise LineLoginFailed("exchange", "token response is not JSON") from None
        id_token = answer.get("id_token") if isinstance(answer, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise LineLoginFailed("id_token", "token response has no id_token")
        return id_token

    def _post(self, url: str, body: bytes) -> HttpResponse:
        try:
            response = self._http.request(
                "POST",
                url,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                body=body,
            )
        except (TransportError, OSError) as error:
            raise LineLoginFailed("unavailable", f"POST {url}: {type(error).__name__}") from error
        if response.status in RETRYABLE_STATUSES or response.status >= 500:
            raise LineLoginFailed("unavailable", f"POST {url} answered {response.status}")
        return response

    # The ID token.

    def _verify(self, id_token: str, nonce: str) -> str:
        from joserfc import jwt
        from joserfc.errors import ClaimError, JoseError
        from joserfc.jwk import OctKey

        key = OctKey.import_key(self._channel_secret())
        try:
            claims = jwt.decode(id_token, key, algorithms=ID_TOKEN_ALGORITHMS).claims
            jwt.JWTClaimsRegistry(
                now=lambda: int(self._clock().timestamp()),
                leeway=self._leeway,
                iss={"essential": True, "value": LINE_ISSUER},
                aud={"essential": True, "value": self._channel_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True},
            ).validate(claims)
        except ClaimError as error:
            raise LineLoginFailed(
                "id_token", f"id token {type(error).__name__} ({error.claim})"
            ) from None
        except (JoseError, ValueError) as error:
            raise LineLoginFailed("id_token", f"id token {type(error).__name__}") from None
        if claims["aud"] not in (self._channel_id, [self._channel_id]):
            raise LineLoginFailed("id_token", "id token is meant for other audiences too")
        given_nonce = claims["nonce"]
        if not isinstance(given_nonce, str) or not hmac.compare_digest(
            given_nonce.encode(), nonce.encode()
        ):
            raise LineLoginFailed("id_token", "id token nonce does not match the login request")
        subject = claims["sub"]
        if not is_line_user_id(subject):
            raise LineLoginFailed("id_token", "id token sub is not a LINE user ID")
        return subject


def _oauth_error(response: HttpResponse) -> str:
    """The OAuth error code of a refused token request, safe to log."""
    try:
        answer = response.json()
    except ValueError:
        return "unrecognised"
    error = answer.get("error") if isinstance(answer, dict) else None
    return error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else "unrecognised"
