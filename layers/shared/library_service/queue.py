"""The FIFO queue between the webhook and the conversation worker (SQS)."""

from __future__ import annotations

from collections.abc import Sequence

from .line.intake import QueuedEvent

SQS_BATCH_LIMIT = 10


class EnqueueFailed(Exception):
    pass


class EventQueue:
    def __init__(self, queue_url: str, sqs_client) -> None:
        self._queue_url = queue_url
        self._sqs = sqs_client

    def enqueue(self, events: Sequence[QueuedEvent]) -> None:
        """Send every event or raise, so LINE sees a failure and redelivers the whole request.

        A redelivery is safe: SQS drops duplicates by webhookEventId for five minutes, and the
        worker's idempotency records catch anything later.
        """
        for start in range(0, len(events), SQS_BATCH_LIMIT):
            chunk = events[start : start + SQS_BATCH_LIMIT]
            response = self._sqs.send_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {
                        "Id": str(index),
                        "MessageBody": event.body,
                        "MessageGroupId": event.group_id,
                        "MessageDeduplicationId": event.deduplication_id,
                    }
                    for index, event in enumerate(chunk)
                ],
            )
            if response.get("Failed"):
                codes = sorted({failure.get("Code", "?") for failure in response["Failed"]})
                raise EnqueueFailed(f"{len(response['Failed'])} events not queued: {codes}")
