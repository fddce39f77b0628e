"""Warm handling of one signed webhook with one event, against moto's server over HTTP.

The baseline is the floor the handler cannot go under: one bare `send_message` of a body of
the same size to the same FIFO queue, with the same group and deduplication IDs' shape.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import time

import boto3
from moto.server import ThreadedMotoServer

from devstack.lambda_context import LambdaContext
from devstack.provision import ClientFactory, provision, put_secret
from devstack.template import Stack, load_template
from library_service import config
from library_service.line.intake import accept_webhook
from tests.integration.conftest import CHANNEL_SECRET, REGION, signed_request
from tests.support import line_events
from tests.support.functions import load_handler_module

from .report import Check, Section, ms, p90

TARGET = 1.5
WARM_UP = 10
TEXT = "本を探したい"


def _signed_event() -> dict:
    # A fresh webhookEventId each time, or FIFO deduplication would drop the message.
    return signed_request(line_events.webhook_body(line_events.text(TEXT)))


def _timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def run(invocations: int) -> Section:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    # werkzeug logs every request moto serves to stderr; that would bury the summary and
    # add terminal I/O to both timed series.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        with open(os.devnull, "w") as devnull:
            return _measure(endpoint, invocations, devnull)
    finally:
        server.stop()


def _measure(endpoint: str, invocations: int, log_sink) -> Section:
    clients = ClientFactory(REGION, endpoint)
    stack = provision(
        Stack(load_template(), region=REGION, parameter_overrides={"Stage": "bench"}), clients
    )
    put_secret(clients, stack.parameter("LineChannelSecretParameter"), CHANNEL_SECRET)
    os.environ.update(stack.function_environment("WebhookFunction"))
    config.get_settings.cache_clear()
    # Powertools binds its log handler to sys.stdout when the module loads; the JSON lines
    # (which Lambda would ship to CloudWatch) go to /dev/null instead of the summary.
    with contextlib.redirect_stdout(log_sink):
        webhook = load_handler_module("webhook")

    queue_url = stack.physical_ids["EventsQueue"]
    sqs = boto3.client("sqs", region_name=REGION)

    def handle():
        event = _signed_event()
        context = LambdaContext("WebhookFunction", memory_limit_in_mb=1024, timeout_seconds=5)
        elapsed, response = _timed(lambda: webhook.lambda_handler(event, context))
        if response["statusCode"] != 200:
            raise RuntimeError(f"webhook answered {response}")
        return elapsed

    def bare_send():
        event = _signed_event()
        body = event["body"].encode()
        (queued,) = accept_webhook(body, event["headers"]["x-line-signature"], CHANNEL_SECRET)
        elapsed, _ = _timed(
            lambda: sqs.send_message(
                QueueUrl=queue_url,
                MessageBody=queued.body,
                MessageGroupId=queued.group_id,
                MessageDeduplicationId=queued.deduplication_id,
            )
        )
        return elapsed

    # The first call pays the handler's cold path (SQS client, SSM secret); Lambda's warm
    # instances have paid it already.
    for _ in range(WARM_UP):
        handle()
        bare_send()
    handler_times, baseline_times = [], []
    for _ in range(invocations):
        # Alternating, so moto's queue growing and any machine drift touch both series alike.
        handler_times.append(handle())
        baseline_times.append(bare_send())

    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    queued = int(attributes["ApproximateNumberOfMessages"])
    return _section(handler_times, baseline_times, queued, len(TEXT.encode()))


def _section(handler_times, baseline_times, queued, text_bytes) -> Section:
    invocations = len(handler_times)
    rows = [
        [name, ms(statistics.median(times)), ms(p90(times)), ms(min(times))]
        for name, times in (
            ("webhook `lambda_handler`", handler_times),
            ("bare `sqs.send_message` (baseline)", baseline_times),
        )
    ]
    ratio = statistics.median(handler_times) / statistics.median(baseline_times)
    return Section(
        title="(c) Warm webhook handling on moto",
        intro=(
            f"{invocations} timed calls each, alternating, after {WARM_UP} untimed warm-up "
            "calls each. One process runs moto's `ThreadedMotoServer` on a free 127.0.0.1 port "
            "(`AWS_ENDPOINT_URL`), with the template's queues provisioned by "
            "`devstack.provision` and the channel secret in SSM. Each handler call gets an "
            "HTTP API v2 event signed like the integration tests' `signed_request`, holding "
            f"one text event with a fresh `webhookEventId`, and a new `LambdaContext`. Each "
            "baseline call sends the queue body the handler would have sent for such an "
            "event, with the same group ID (the user) and a fresh deduplication ID."
        ),
        headers=["Case", "Median (ms)", "p90 (ms)", "Min (ms)"],
        rows=rows,
        checks=[Check("webhook/baseline warm median", ratio, TARGET)],
        notes=[
            f"The queue held {queued} messages afterwards; {2 * (invocations + WARM_UP)} "
            "were sent, so every handler call really enqueued its event.",
            "The handler sends with `send_message_batch` (one entry here) where the baseline "
            "uses `send_message`; it also verifies the HMAC signature, parses the body, "
            "reads the secret from Powertools' parameter cache (fetched from SSM once, in "
            "the warm-up) and writes one JSON log line, here to /dev/null.",
            "Both series include moto's own request handling, which runs in a thread of the "
            "same process and so competes for the GIL with the caller.",
        ],
    )
