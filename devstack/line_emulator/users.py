"""Simulated LINE users and their friendship with the bot."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class SimUser:
    user_id: str
    display_name: str
    picture_url: str | None = None
    friend: bool = False
    # A re-follow after a block is reported to the bot as an unblock.
    ever_followed: bool = False

    def public(self) -> dict:
        return {
            "userId": self.user_id,
            "displayName": self.display_name,
            "pictureUrl": self.picture_url,
            "friend": self.friend,
        }


class UserRegistry:
    def __init__(self) -> None:
        self._users: dict[str, SimUser] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> SimUser | None:
        with self._lock:
            return self._users.get(user_id)

    def ensure(
        self, user_id: str, display_name: str | None = None, picture_url: str | None = None
    ) -> SimUser:
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                user = SimUser(user_id, display_name or f"テストユーザー{user_id[-4:]}")
                self._users[user_id] = user
            elif display_name:
                user.display_name = display_name
            if picture_url:
                user.picture_url = picture_url
            return user

    def all(self) -> list[SimUser]:
        with self._lock:
            return list(self._users.values())

    def is_friend(self, user_id: str) -> bool:
        user = self.get(user_id)
        return bool(user and user.friend)
