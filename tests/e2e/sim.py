"""The LINE emulator's test API, as a patron's phone would use it (see devstack/line_emulator)."""

from __future__ import annotations

import time
import uuid

import requests


def new_user_id() -> str:
    return "U" + uuid.uuid4().hex


def flex_buttons(message: dict) -> list[dict]:
    """The actions of every button in a Flex message, in order."""
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found.append(node["action"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("contents"))
    return found


class Sim:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False  # a proxy from the environment must not reroute localhost
        self._seen: dict[str, int] = {}

    def get(self, path: str, **params) -> dict:
        response = self.http.get(self.base_url + path, params=params, timeout=40)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.base_url + path, json=body, timeout=40)

    def follow(self, user_id: str, name: str = "図書 花子") -> dict:
        response = self.post(f"/_sim/users/{user_id}/follow", {"displayName": name})
        assert response.status_code == 200, response.text
        return response.json()

    def say(self, user_id: str, text: str) -> dict:
        response = self.post(f"/_sim/users/{user_id}/messages", {"type": "text", "text": text})
        assert response.status_code == 200, response.text
        return response.json()

    def tap(self, user_id: str, action: dict) -> dict:
        """What the LINE app sends for a tap on a postback or richmenuswitch action."""
        body = {"type": "postback", "data": action["data"]}
        if action["type"] == "richmenuswitch":
            body["params"] = {"newRichMenuAliasId": action["richMenuAliasId"]}
        response = self.post(f"/_sim/users/{user_id}/messages", body)
        assert response.status_code == 200, response.text
        return response.json()

    def next_messages(self, user_id: str, count: int, timeout: float = 20) -> list[dict]:
        """The next `count` messages the bot sent this user (long-polling), oldest first."""
        found: list[dict] = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"the bot sent {len(found)} of {count} messages: {found}"
            after = self._seen.get(user_id, 0)
            batch = self.get(f"/_sim/users/{user_id}/messages", after=after, wait=min(left, 10))[
                "messages"
            ]
            for item in batch:
                self._seen[user_id] = item["seq"]
            found.extend(batch)
        return found

    def api_calls_after(self, n: int) -> list[dict]:
        return self.get("/_sim/api-log", after=n)["calls"]

    def api_log_length(self) -> int:
        calls = self.get("/_sim/api-log")["calls"]
        return calls[-1]["n"] if calls else 0
