"""Signs and delivers webhook events to the bot, and keeps them for redelivery."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass

import requests

from .clock import SimClock
from .events import base_event
from .settings import EmulatorSettings
from .tokens import TokenBook

# Event types whose webhook carries a reply token, per the Messaging API reference.
_REPLYABLE = {"message", "follow", "postback", "accountLink"}


def signature(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass
class Delivery:
    webhook_event_id: str
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict:
        body = {"webhookEventId": self.webhook_event_id, "webhookStatus": self.status}
        if not self.ok:
            body["error"] = self.error or f"webhook answered HTTP {self.status}"
        return body


class WebhookSender:
    def __init__(self, settings: EmulatorSettings, clock: SimClock, reply_tokens: TokenBook):
        self._settings = settings
        self._clock = clock
        self._reply_tokens = reply_tokens
        self._sent: dict[str, dict] = {}
        self._log: list[dict] = []
        self._lock = threading.Lock()

    def send(self, kind: str, user_id: str, payload: dict, replyable: bool = True) -> Delivery:
        """Builds one event of `kind` from `user_id` and delivers it."""
        token = None
        if replyable and kind in _REPLYABLE:
            token = self._reply_tokens.issue(user_id)
        event = base_event(kind, user_id, self._clock.now_ms(), token)
        event.update(payload)
        with self._lock:
            self._sent[event["webhookEventId"]] = event
        return self._post(event)

    def redeliver(self, webhook_event_id: str) -> Delivery | None:
        with self._lock:
            original = self._sent.get(webhook_event_id)
        if original is None:
            return None
        event = copy.deepcopy(original)
        event["deliveryContext"]["isRedelivery"] = True
        return self._post(event)

    def log_after(self, n: int) -> list[dict]:
        with self._lock:
            return self._log[max(n, 0) :]

    def _post(self, event: dict) -> Delivery:
        body = json.dumps(
            {"destination": self._settings.bot_user_id, "events": [event]},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "LineBotWebhook/2.0",
            "X-Line-Signature": signature(self._settings.channel_secret, body),
        }
        status, error = None, None
        try:
            with requests.Session() as session:
                # Proxy variables in the developer's shell must not reroute a local webhook.
                session.trust_env = False
                response = session.post(
                    self._settings.webhook_url,
                    data=body,
                    headers=headers,
                    timeout=self._settings.webhook_timeout_seconds,
                )
            status = response.status_code
        except requests.RequestException as exc:
            error = f"webhook unreachable: {type(exc).__name__}: {exc}"
        delivery = Delivery(event["webhookEventId"], status, error)
        with self._lock:
            self._log.append(
                {
                    "n": len(self._log) + 1,
                    "webhookEventId": event["webhookEventId"],
                    "type": event["type"],
                    "userId": event["source"]["userId"],
                    "isRedelivery": event["deliveryContext"]["isRedelivery"],
                    "status": status,
                    "error": error,
                    "at": self._clock.iso(),
                }
            )
        return delivery
