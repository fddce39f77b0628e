"""SQS FIFO consumer: one LINE event per record, answered through the Messaging API."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from library_service.config import get_settings
from library_service.wiring import ConversationService, build_conversation_service

logger = Logger(service="conversation")
# A failed record fails only the rest of its own chat's group, so other patrons go on.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
_service: ConversationService | None = None


def _conversation_service() -> ConversationService:
    global _service
    if _service is None:
        _service = build_conversation_service(get_settings())
    return _service


def _handle_record(record: SQSRecord) -> None:
    _conversation_service().worker.handle_queued(record.body)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    _conversation_service().idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=_handle_record, processor=processor, context=context
    )
