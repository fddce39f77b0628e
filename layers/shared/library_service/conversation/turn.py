"""A turn of the conversation: what the bot says and where the patron is afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import Conversation


@dataclass(frozen=True)
class Turn:
    messages: list[dict] = field(default_factory=list)
    conversation: Conversation | None = None  # the state to save, if it changed
    forget: bool = False  # the user left: delete everything we keep about the chat
