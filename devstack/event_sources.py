"""SQS event sources as Lambda's poller runs them: batches, partial failures, redrive to the DLQ.

Deleted are only the records the function did not report as failed; the rest become visible
again after the queue's visibility timeout and, past maxReceiveCount, SQS moves them to the
dead-letter queue, exactly as in AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .functions import InvocationError
from .polling import PollingLoop
from .template import Stack


@dataclass(frozen=True)
class SqsSource:
    function: str
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_item_failures: bool


def sqs_sources(stack: Stack) -> list[SqsSource]:
    sources = []
    for name, resource in stack.resources_of_type("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            props = event["Properties"]
            queue_arn = stack.resolve(props["Queue"])
            queue_url = stack.physical_id_of_arn(queue_arn)
            sources.append(
                SqsSource(
                    function=name,
                    queue_url=queue_url,
                    queue_arn=queue_arn,
                    batch_size=min(int(props.get("BatchSize", 10)), 10),
                    reports_item_failures="ReportBatchItemFailures"
                    in props.get("FunctionResponseTypes", []),
                )
            )
    return sources


def lambda_record(message: dict, source: SqsSource, region: str) -> dict:
    attributes = dict(message.get("Attributes", {}))
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": source.queue_arn,
        "awsRegion": region,
    }


class SqsPoller(PollingLoop):
    def __init__(
        self,
        source: SqsSource,
        sqs_client,
        region: str,
        invoke: Callable[[str, dict], object],
        log: Callable[[str, str], None],
    ) -> None:
        self.name = f"poller for {source.function}"
        super().__init__(log)
        self.source = source
        self._sqs = sqs_client
        self._region = region
        self._invoke = invoke

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receive one batch and deliver it; returns how many records were delivered."""
        response = self._sqs.receive_message(
            QueueUrl=self.source.queue_url,
            MaxNumberOfMessages=self.source.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages or self._stopped.is_set():
            return 0
        records = [lambda_record(m, self.source, self._region) for m in messages]
        try:
            result = self._invoke(self.source.function, {"Records": records})
        except InvocationError as error:
            self._log("devstack", f"{error}; the batch returns to the queue after its timeout")
            return len(records)
        failed = set()
        if self.source.reports_item_failures and isinstance(result, dict):
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
        done = [m for m in messages if m["MessageId"] not in failed]
        if failed:
            self._log("devstack", f"{self.source.function}: {len(failed)} record(s) will retry")
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self.source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        return len(records)
