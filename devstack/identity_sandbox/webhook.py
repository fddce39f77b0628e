"""Signs and posts the face provider's session.completed webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests

from .face_store import Delivery

SIGNATURE_HEADER = "X-Sandbox-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; the time stops replays."""
    signed = f"{timestamp}.".encode("ascii") + body
    mac = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def deliver(url: str, payload: dict, secret: str, timeout: float, session_id: str) -> Delivery:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "IdentitySandbox/1.0",
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
    }
    status, error = None, None
    try:
        with requests.Session() as session:
            # Proxy variables in the developer's shell must not reroute a local webhook.
            session.trust_env = False
            response = session.post(url, data=body, headers=headers, timeout=timeout)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"webhook answered HTTP {status}"
    except requests.RequestException as exc:
        error = f"webhook unreachable: {type(exc).__name__}: {exc}"
    return Delivery(session_id=session_id, url=url, status=status, error=error)
