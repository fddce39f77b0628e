"""Per-user conversation state: which step of which flow a LINE user is in."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import (
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from ..conversation.state import Conversation


class ConcurrentUpdate(Exception):
    """Another worker saved this conversation first; the event is retried on fresh state."""


class ConversationRecord(Model):
    class Meta:
        table_name = "unbound"  # set by bind_model from the settings

    user_id = UnicodeAttribute(hash_key=True, attr_name="userId")
    step = UnicodeAttribute(default="idle")
    data = MapAttribute(default=dict)
    version = VersionAttribute()
    expires_at = TTLAttribute(attr_name="expiresAt")


class ConversationStore:
    def __init__(self, ttl_seconds: int) -> None:
        self._ttl = timedelta(seconds=ttl_seconds)

    def load(self, user_id: str) -> Conversation:
        try:
            record = ConversationRecord.get(user_id, consistent_read=True)
        except DoesNotExist:
            return Conversation(user_id=user_id)
        return Conversation(
            user_id=user_id,
            step=record.step,
            data=record.data.as_dict() if hasattr(record.data, "as_dict") else dict(record.data),
            version=record.version,
        )

    def save(self, conversation: Conversation) -> Conversation:
        """Write only if nobody else wrote since `load` (optimistic locking on `version`)."""
        record = ConversationRecord(
            conversation.user_id,
            step=conversation.step,
            data=conversation.data,
            expires_at=self._ttl,
        )
        if conversation.version is not None:
            record.version = conversation.version
        try:
            record.save()
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrentUpdate(conversation.user_id) from error
            raise
        return conversation.saved_as(record.version)

    def forget(self, user_id: str) -> None:
        """Remove all state of a user who blocked the account; a missing record is fine."""
        ConversationRecord(user_id).delete(add_version_condition=False)
