"""Hold-ready notices: 1,000 HoldReady events through the warm notifier handler, against the
LINE emulator over HTTP and moto's server.

The baseline is the floor the handler cannot go under: one bare `MessagingApi.push_message` of
the same Flex message to the same emulator, with a fresh X-Line-Retry-Key. The handler adds
what makes a notice safe to retry: it reads the notice log and the patron, and records the
outcome.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import requests
from aws_lambda_powertools.utilities import parameters
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from devstack.lambda_context import LambdaContext
from devstack.line_emulator import EmulatorSettings, LineEmulator
from devstack.provision import ClientFactory, provision, put_secret
from devstack.template import Stack, load_template
from library_service import config
from library_service.catalogue.libraries import default_libraries
from library_service.notices.events import HoldReady
from library_service.notices.hold_ready import hold_ready_message
from library_service.patrons.ids import new_patron_id
from library_service.patrons.model import PatronStatus, RegisteredVia
from library_service.patrons.registration import new_patron
from library_service.storage.notices import NoticeItem
from library_service.storage.patrons import (
    DynamoPatrons,
    LineLinkItem,
    PatronItem,
    bind_patrons,
    patron_item,
)
from tests.support.functions import load_handler_module
from tests.support.hold_events import eventbridge_event, hold_ready_detail

from .report import Check, Section, ms, p90

TARGET = 2.0
EVENTS = 1000
DYNAMODB_REQUESTS = 3  # notice log read, patron read, outcome write
WARM_UP = 10
REGION = "ap-northeast-1"


def _timed(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


class _WebhookSink:
    """Answers the emulator's follow webhooks with 200, as the bot's webhook would."""

    def __init__(self) -> None:
        self._server = make_server("127.0.0.1", 0, lambda env, start: Response("")(env, start))
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def run(events: int = EVENTS) -> Section:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # An earlier benchmark in this process left Powertools' SSM client on its own moto server.
    parameters.clear_caches()
    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    sink = _WebhookSink()
    emulator = LineEmulator(EmulatorSettings(port=0, webhook_url=sink.url))
    emulator.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        with open(os.devnull, "w") as devnull:
            return _measure(endpoint, emulator, events, devnull)
    finally:
        emulator.stop()
        sink.stop()
        server.stop()


def _seed_patrons(count: int) -> list[tuple[str, str]]:
    """`count` patrons linked to LINE users, written straight to the table: registering each
    would spend most of the setup on its scrypt hash, which no notice ever reads."""
    base = new_patron(
        new_patron_id(100_000_001),
        "図書 花子",
        date(1992, 5, 16),
        "03-1234-5678",
        status=PatronStatus.ACTIVE,
        via=RegisteredVia.COUNTER,
        registered_at=datetime.now(UTC),
    )
    pairs = [(new_patron_id(100_000_001 + i), "U" + uuid.uuid4().hex) for i in range(count)]
    with PatronItem.batch_write() as patrons, LineLinkItem.batch_write() as links:
        for patron_id, user_id in pairs:
            patron = replace(base, patron_id=patron_id, line_user_id=user_id)
            patrons.save(patron_item(patron))
            links.save(
                LineLinkItem(f"line#{user_id}", patron_id=patron_id, linked_at=base.registered_at)
            )
    # The directory must read them as registered patrons, or the benchmark measures nothing.
    patron_id, user_id = pairs[-1]
    if DynamoPatrons().by_line_user(user_id).patron_id != patron_id:
        raise RuntimeError("seeded patrons are not readable through DynamoPatrons")
    return pairs


def _measure(endpoint: str, emulator: LineEmulator, events: int, log_sink) -> Section:
    clients = ClientFactory(REGION, endpoint)
    stack = provision(
        Stack(
            load_template(),
            region=REGION,
            parameter_overrides={"Stage": "notifier-bench", "LineApiBaseUrl": emulator.url},
        ),
        clients,
    )
    token = emulator.settings.channel_access_token
    put_secret(clients, stack.parameter("LineChannelAccessTokenParameter"), token)
    os.environ.update(stack.function_environment("NotifierFunction"))
    config.get_settings.cache_clear()
    bind_patrons(stack.ref("PatronsTable"), REGION)

    setup_started = time.perf_counter()
    pairs = _seed_patrons(events + WARM_UP)
    http = requests.Session()
    http.trust_env = False
    for _, user_id in pairs:
        http.post(f"{emulator.url}/_sim/users/{user_id}/follow", json={}, timeout=10)
    setup_seconds = time.perf_counter() - setup_started

    # Powertools binds its log handler to sys.stdout when the module loads; the JSON lines
    # go to /dev/null instead of the summary.
    with contextlib.redirect_stdout(log_sink):
        notifier = load_handler_module("notifier")

    messaging = MessagingApi(ApiClient(Configuration(host=emulator.url, access_token=token)))
    libraries = default_libraries()
    shows_title = config.get_settings().notice_shows_title

    def notify(patron_id: str) -> float:
        event = eventbridge_event(hold_ready_detail(patron_id))
        context = LambdaContext("NotifierFunction", timeout_seconds=30)
        result: dict = {}

        def call() -> None:
            result.update(notifier.lambda_handler(event, context))

        elapsed = _timed(call)
        if result.get("pushed") is not True:
            raise RuntimeError(f"notifier answered {result}")
        return elapsed

    def bare_push(patron_id: str, user_id: str) -> float:
        notice = HoldReady.from_detail(hold_ready_detail(patron_id))
        message = hold_ready_message(notice, libraries.name(notice.pickup_library_id), shows_title)
        request = PushMessageRequest.from_dict({"to": user_id, "messages": [message]})
        return _timed(lambda: messaging.push_message(request, x_line_retry_key=str(uuid.uuid4())))

    dynamodb = clients("dynamodb")
    patrons_table = stack.ref("PatronsTable")

    def bare_get(patron_id: str) -> float:
        key = {"patronId": {"S": patron_id}}
        return _timed(
            lambda: dynamodb.get_item(TableName=patrons_table, Key=key, ConsistentRead=True)
        )

    for patron_id, user_id in pairs[:WARM_UP]:
        notify(patron_id)
        bare_push(patron_id, user_id)
        bare_get(patron_id)
    times = Series([], [], [])
    for patron_id, user_id in pairs[WARM_UP:]:
        # Alternating, so the tables and the emulator's outbox growing touch all three alike.
        times.handler.append(notify(patron_id))
        times.push.append(bare_push(patron_id, user_id))
        times.get.append(bare_get(patron_id))

    delivered = sum(1 for item in NoticeItem.scan() if item.status == "delivered")
    return _section(times, setup_seconds, delivered)


@dataclass
class Series:
    handler: list[float]
    push: list[float]
    get: list[float]


def _row(name: str, times: list[float]) -> list[str]:
    return [name, ms(statistics.median(times)), ms(p90(times)), ms(min(times))]


def _section(times: Series, setup_seconds: float, delivered: int) -> Section:
    events = len(times.handler)
    handler, push, get = (statistics.median(t) for t in (times.handler, times.push, times.get))
    floor = push + DYNAMODB_REQUESTS * get
    return Section(
        title="(f) Hold-ready notices: notifier against a bare push",
        intro=(
            f"{events} HoldReady events, each a fresh hold of its own linked patron, through "
            "the warm `NotifierFunction` handler (EventBridge's event shape, a new "
            "`LambdaContext` each), alternating with a bare push of the same Flex message "
            "and a bare consistent `GetItem` of the patron, after "
            f"{WARM_UP} untimed warm-up calls each. One process runs moto's "
            "`ThreadedMotoServer` (the template's tables, provisioned by `devstack.provision`) "
            "and the devstack's LINE emulator, both on free 127.0.0.1 ports; the patrons are "
            "written to PatronsTable and follow the bot on the emulator before the run."
        ),
        headers=["Case", "Median (ms)", "p90 (ms)", "Min (ms)"],
        rows=[
            _row("notifier `lambda_handler` (one HoldReady)", times.handler),
            _row("bare `MessagingApi.push_message` (baseline)", times.push),
            _row("bare DynamoDB `get_item` on moto", times.get),
        ],
        checks=[
            Check("notifier/bare push warm median", handler / push, TARGET),
            Check(
                f"notifier/(bare push + {DYNAMODB_REQUESTS} bare DynamoDB requests)",
                handler / floor,
            ),
        ],
        notes=[
            f"Throughput of one warm instance: {events / sum(times.handler):.0f} notices/s "
            f"({events} notices in {sum(times.handler):.1f} s of handler time).",
            f"NoticesTable held {delivered} delivered notices afterwards for "
            f"{events + WARM_UP} events, so every call pushed and recorded its notice.",
            f"Per notice the handler makes {DYNAMODB_REQUESTS} DynamoDB requests besides the "
            "push, none of which can go: a consistent read of the notice log (a redelivered "
            "event must not push again), one of the patron (the event names the patron, not "
            "the LINE user), and the write of the outcome. Here one request to moto costs "
            f"{get / push:.1f} pushes to the local emulator, so those requests alone put the "
            f"push ratio at about {floor / push:.1f} (medians added); the second ratio shows "
            "the handler adds next to nothing beyond them. In AWS a DynamoDB request within "
            "the region is usually cheaper than a push to api.line.me, so the ratio would be "
            "lower there (not measured).",
            f"Setup (seeding {events + WARM_UP} patrons and following the bot) took "
            f"{setup_seconds:.1f} s and is not timed.",
            "moto and the emulator run in threads of the same process and so compete for "
            "the GIL with the caller.",
        ],
    )
