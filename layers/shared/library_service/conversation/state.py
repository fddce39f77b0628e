"""Where a patron is in a conversation, independent of how it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

IDLE = "idle"


@dataclass(frozen=True)
class Conversation:
    user_id: str
    step: str = IDLE
    data: dict = field(default_factory=dict)
    version: int | None = None  # None until first saved

    def moved_to(self, step: str, **data) -> Conversation:
        return replace(self, step=step, data=data)

    def saved_as(self, version: int) -> Conversation:
        return replace(self, version=version)
