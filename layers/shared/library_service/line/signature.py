"""X-Line-Signature verification: stdlib only, because it runs on the webhook's 2-second path."""

from __future__ import annotations

import base64
import hashlib
import hmac


def compute_signature(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid_signature(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """True when `signature` is LINE's HMAC-SHA256 of the raw body, compared in constant time."""
    if not signature or not channel_secret:
        return False
    expected = compute_signature(channel_secret, body)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8"))
