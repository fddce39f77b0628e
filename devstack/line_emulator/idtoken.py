"""Mints and checks LINE Login ID tokens (JWT, HS256 keyed by the channel secret)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


class InvalidIdToken(ValueError):
    pass


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mint(claims: dict, secret: str) -> str:
    header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    mac = hmac.new(secret.encode("utf-8"), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(mac)}"


def decode_verified(token: str, secret: str) -> dict:
    """The claims, once the HS256 signature checks out; raises InvalidIdToken otherwise."""
    try:
        header_b64, payload_b64, mac_b64 = token.split(".")
        header = json.loads(_unb64url(header_b64))
        claims = json.loads(_unb64url(payload_b64))
        mac = _unb64url(mac_b64)
    except (ValueError, TypeError) as exc:
        raise InvalidIdToken("malformed") from exc
    if header.get("alg") != "HS256" or not isinstance(claims, dict):
        raise InvalidIdToken("unsupported")
    expected = hmac.new(
        secret.encode("utf-8"), f"{header_b64}.{payload_b64}".encode("ascii"), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(mac, expected):
        raise InvalidIdToken("bad signature")
    return claims
