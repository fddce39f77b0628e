"""The JPKI provider's signing key and the RS256 ID tokens it signs (joserfc does the JOSE)."""

from __future__ import annotations

import secrets

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


class SigningKey:
    """An RSA key made at start: a sandbox run never reuses a key, so nothing can pin one."""

    def __init__(self) -> None:
        self.kid = f"sandbox-{secrets.token_hex(8)}"
        self._key = RSAKey.generate_key(
            2048, parameters={"kid": self.kid, "use": "sig", "alg": "RS256"}, private=True
        )

    def jwks(self) -> dict:
        return KeySet([self._key]).as_dict(private=False)

    def sign(self, claims: dict) -> str:
        return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": self.kid}, claims, self._key)
