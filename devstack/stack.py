"""The whole system on one machine: moto, the app's API and event sources, the LINE emulator.

Everything is read from template.yaml: tables, queues and event buses are created from their
resource properties; routes, SQS event sources, EventBridge rules and schedules from the
functions' events; and each function's environment from Globals plus its own variables.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from moto.server import ThreadedMotoServer
from werkzeug.serving import WSGIRequestHandler, make_server

from . import moto_dynamodb
from .apigw import ApiGateway, routes_from_template
from .async_invoke import AsyncInvoker
from .control import DevstackControl
from .event_sources import SqsPoller, sqs_sources
from .eventbridge import RulePoller, provision_rules
from .functions import LocalFunction, function_specs
from .identity_sandbox import IdentitySandbox, SandboxSettings
from .line_emulator import EmulatorSettings, LineEmulator
from .ports import ensure_free
from .provision import ClientFactory, provision, put_secret
from .schedules import ScheduleRunner, schedules_from_template
from .template import ROOT, Stack, load_template

OVERRIDES_FILE = ROOT / "devstack.local.env"
DEMO_CATALOGUE = ROOT / "data" / "catalogue" / "demo.tsv"
# The demo patron: initial password 920516 (the birth date as YYMMDD, as the seed explains).
DEMO_LINE_USER = "U" + "d" * 32
DEMO_PATRON_NAME = "図書 花子"
DEMO_PATRON_BIRTH_DATE = "1992-05-16"


@dataclass
class DevstackConfig:
    host: str = "127.0.0.1"
    api_port: int = 3000
    line_port: int = 3001
    identity_port: int = 3002
    aws_port: int = 4566
    region: str = "ap-northeast-1"
    overrides_file: Path = OVERRIDES_FILE
    run_schedules: bool = False  # run rate() schedules on their rate, not only on demand
    catalogue: Path | None = DEMO_CATALOGUE  # imported at start; None starts with none
    demo_patron: bool = True  # a patron linked to a simulator user, for trying 予約
    emulator: EmulatorSettings = field(default_factory=EmulatorSettings)


def read_overrides(path: Path) -> dict[str, str]:
    """KEY=VALUE lines for every function's environment; # starts a comment."""
    if not path.is_file():
        return {}
    overrides = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            overrides[key.strip()] = value.strip()
    return overrides


class _QuietRequests(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        if str(code).startswith(("4", "5")):
            super().log_request(code, size)


class Devstack:
    def __init__(self, config: DevstackConfig | None = None) -> None:
        self.config = config or DevstackConfig()
        self.functions: dict[str, LocalFunction] = {}
        self.pollers: list[SqsPoller] = []
        self.rule_pollers: list[RulePoller] = []
        self.catalogue_loaded = threading.Event()
        self.demo_patron_id: str | None = None
        self._log_lock = threading.Lock()
        self._started: list = []

    # -- logging -------------------------------------------------------------------------
    def log(self, source: str, line: str) -> None:
        with self._log_lock:
            print(f"[{source}] {line}", file=sys.stderr, flush=True)

    @property
    def _url_host(self) -> str:
        # Bound to every interface, the stack is still reached locally as 127.0.0.1: browsers
        # refuse http://0.0.0.0/ and the functions need an address to connect to.
        return {"0.0.0.0": "127.0.0.1", "": "127.0.0.1"}.get(self.config.host, self.config.host)

    @property
    def _aws_environment(self) -> dict[str, str]:
        """What a process needs to reach moto as if it were AWS."""
        return {
            "AWS_ACCESS_KEY_ID": "devstack",
            "AWS_SECRET_ACCESS_KEY": "devstack",  # noqa: S105 - moto accepts any key
            "AWS_REGION": self.config.region,
            "AWS_DEFAULT_REGION": self.config.region,
            "AWS_ENDPOINT_URL": self.aws_url,
        }

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Devstack:
        config = self.config
        ensure_free(config.host, config.aws_port, "embedded AWS (moto)", "--aws-port")
        ensure_free(config.host, config.api_port, "app API", "--api-port")
        ensure_free(config.host, config.line_port, "LINE emulator", "--line-port")
        ensure_free(config.host, config.identity_port, "identity sandbox", "--identity-port")
        try:
            self._start_aws()
            self._bind_api()
            self._start_line_emulator()
            self._start_identity_sandbox()
            self._provision()
            self._start_functions()
            self._provision_events()
            self._serve_api()
            self._start_pollers()
            self._provision_rich_menus()
            self._register_demo_patron()
            self._load_catalogue()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_aws(self) -> None:
        moto_dynamodb.install()
        self._moto = ThreadedMotoServer(self.config.host, self.config.aws_port, verbose=False)
        self._moto.start()
        self._started.append(self._stop_aws)
        _, port = self._moto.get_host_and_port()
        self.aws_url = f"http://{self._url_host}:{port}"
        self.clients = ClientFactory(self.config.region, self.aws_url)

    def _bind_api(self) -> None:
        # Bound before the emulator starts, because the emulator needs the webhook's URL.
        self._gateway_app = _LateBoundApp()
        self._api_server = make_server(
            self.config.host,
            self.config.api_port,
            self._gateway_app,
            threaded=True,
            request_handler=_QuietRequests,
        )
        self._started.append(self._api_server.server_close)
        self.api_url = f"http://{self._url_host}:{self._api_server.server_port}"

    def _start_line_emulator(self) -> None:
        self.line = LineEmulator(
            replace(
                self.config.emulator,
                host=self.config.host,
                port=self.config.line_port,
                webhook_url=f"{self.api_url}/webhook",
            )
        )
        self.line.start()
        self._started.append(self.line.stop)
        self.line_url = f"http://{self._url_host}:{self.line.port}"

    def _start_identity_sandbox(self) -> None:
        self.identity = IdentitySandbox(
            SandboxSettings(
                host=self.config.host,
                port=self.config.identity_port,
                redirect_uris=(f"{self.api_url}/identity/callback",),
            )
        )
        self.identity.start()
        self._started.append(self.identity.stop)
        self.identity_url = self.identity.url

    def _provision(self) -> None:
        sandbox = self.identity.settings
        self.stack = provision(
            Stack(
                load_template(),
                region=self.config.region,
                parameter_overrides={
                    "Stage": "local",
                    "LineApiBaseUrl": self.line_url,
                    "JpkiIssuer": self.identity.jpki_issuer,
                    "JpkiClientId": sandbox.client_id,
                    "FaceKycApiBaseUrl": self.identity.face_api_base_url,
                    "LineLoginChannelId": self.line.settings.login_channel_id,
                    "LineAccessBaseUrl": self.line_url,
                },
            ),
            self.clients,
        )
        emulator = self.line.settings
        for parameter, value in {
            "LineChannelSecretParameter": emulator.channel_secret,
            "LineChannelAccessTokenParameter": emulator.channel_access_token,
            "LineLoginChannelSecretParameter": emulator.login_channel_secret,
            "JpkiClientSecretParameter": sandbox.client_secret,
            "FaceKycApiKeyParameter": sandbox.face_api_key,
            "FaceKycWebhookSecretParameter": sandbox.face_webhook_secret,
            "CardSigningKeyParameter": secrets.token_urlsafe(48),
        }.items():
            put_secret(self.clients, self.stack.parameter(parameter), value)

    def _start_functions(self) -> None:
        base_env = {
            **self._aws_environment,
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        overrides = read_overrides(self.config.overrides_file)
        # The template points functions at the API's AWS URL; here the API is the devstack's.
        api_urls = {self.stack.execute_api_url(name): self.api_url for name in self._http_apis}
        for name, spec in function_specs(self.stack, overrides, api_urls).items():
            self.functions[name] = LocalFunction(spec, base_env, self.log)
        self._started.append(lambda: [f.stop() for f in self.functions.values()])

    @property
    def _http_apis(self) -> list[str]:
        return list(self.stack.resources_of_type("AWS::Serverless::HttpApi"))

    def invoke(self, function: str, event: dict):
        return self.functions[function].invoke(event)

    def sam_env_vars(self, host: str) -> dict[str, dict[str, str]]:
        """`sam local --env-vars` JSON: each function's environment as the devstack runs it,
        with this machine called `host`. sam applies only variables the template declares."""
        here = f"//{self._url_host}:"

        def rehost(value: str) -> str:
            return value.replace(here, f"//{host}:")

        return {
            name: {
                **{key: rehost(value) for key, value in function.spec.environment.items()},
                "AWS_ENDPOINT_URL": rehost(self.aws_url),
            }
            for name, function in self.functions.items()
        }

    def _provision_events(self) -> None:
        self.invoker = AsyncInvoker(self.stack, self.invoke, self.clients("sqs"), self.log)
        self.rules = provision_rules(self.stack, self.clients, self.log)
        self.schedules = ScheduleRunner(
            self.stack,
            schedules_from_template(self.stack, self.clients("sqs")),
            self.invoker,
            self.log,
        )

    def _serve_api(self) -> None:
        gateway = ApiGateway(routes_from_template(self.stack), self.invoke)
        self._gateway_app.app = DevstackControl(
            gateway, self.schedules, self.invoke, self.sam_env_vars
        )
        thread = threading.Thread(
            target=self._api_server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        thread.start()
        self._started.append(self._api_server.shutdown)

    def _start_pollers(self) -> None:
        for source in sqs_sources(self.stack):
            poller = SqsPoller(
                source, self.clients("sqs"), self.config.region, self.invoke, self.log
            )
            poller.start()
            self.pollers.append(poller)
        self._started.append(lambda: [p.stop() for p in self.pollers])
        for rule in self.rules:
            poller = RulePoller(
                rule, self.clients("sqs"), self.invoker, self.stack.account_id, self.log
            )
            poller.start()
            self.rule_pollers.append(poller)
        self._started.append(lambda: [p.stop() for p in self.rule_pollers])
        if self.config.run_schedules:
            self.schedules.start_timers()
        elif self.schedules.schedules:
            self.log("devstack", "schedules run on demand (--run-schedules runs rate() ones)")
        self._started.append(self.schedules.stop)
        # First to stop: a retry waiting for its turn gives up instead of holding the pollers.
        self._started.append(self.invoker.stop)

    def _run_operator_command(self, module: str, *args: str, **env: str) -> str:
        """An operator's command from ops/, run as an operator runs it, with the layer on the
        path as a function has it; returns what it printed."""
        layers = {d for function in self.functions.values() for d in function.spec.layer_dirs}
        result = subprocess.run(
            [sys.executable, "-m", module, *args],
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "LANG": "C.UTF-8",
                "PYTHONPATH": os.pathsep.join([str(ROOT), *sorted(layers)]),
                **env,
            },
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{module} failed: {result.stderr.strip() or result.stdout}")
        return result.stdout

    def _provision_rich_menus(self) -> None:
        printed = self._run_operator_command(
            "ops.richmenu",
            "--base-url",
            self.line_url,
            "--data-base-url",
            self.line_url,
            LINE_CHANNEL_ACCESS_TOKEN=self.line.settings.channel_access_token,
        )
        self.rich_menus = dict(line.split(": ", 1) for line in printed.splitlines() if ": " in line)

    def _register_demo_patron(self) -> None:
        """A counter-registered patron linked to a simulator user, so 予約する works at once:
        registered and linked with the operator's own command, as staff would."""
        if not self.config.demo_patron:
            return
        stage = ["--stage", self.stack.parameter("Stage"), "--region", self.config.region]
        printed = self._run_operator_command(
            "ops.patrons",
            "register",
            *stage,
            "--name",
            DEMO_PATRON_NAME,
            "--birth-date",
            DEMO_PATRON_BIRTH_DATE,
            "--contact",
            "03-0000-0000",
            "--active",
            **self._aws_environment,
        )
        self.demo_patron_id = printed.split()[2]  # "registered patron <id> (active)"
        self._run_operator_command(
            "ops.patrons",
            "link",
            *stage,
            self.demo_patron_id,
            DEMO_LINE_USER,
            **self._aws_environment,
        )
        self.line.state.users.ensure(DEMO_LINE_USER, DEMO_PATRON_NAME + "（デモ利用者）")

    def _load_catalogue(self) -> None:
        """Imports the demo catalogue with the operator's importer, in the background: the chat
        works at once, and searches find more books until the log says it is loaded."""
        catalogue = self.config.catalogue
        if catalogue is None:
            self.catalogue_loaded.set()
            return

        def load() -> None:
            try:
                printed = self._run_operator_command(
                    "ops.catalogue",
                    "import",
                    str(catalogue),
                    "--quiet",
                    "--stage",
                    self.stack.parameter("Stage"),
                    "--region",
                    self.config.region,
                    **self._aws_environment,
                )
                summary = ", ".join(printed.strip().splitlines()[:3])
                self.log("catalogue", f"{catalogue.name} loaded: {summary}")
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                self.log("catalogue", f"!!! loading {catalogue.name} failed: {error}")
            finally:
                self.catalogue_loaded.set()

        self.log("catalogue", f"loading {catalogue.name} in the background…")
        threading.Thread(target=load, name="catalogue-loader", daemon=True).start()

    def _stop_aws(self) -> None:
        self._moto.stop()
        # moto's stop() leaves the listening socket open until garbage collection.
        self._moto._server.server_close()

    def stop(self) -> None:
        while self._started:
            stopper = self._started.pop()
            try:
                stopper()
            except Exception as error:  # stop the rest even if one part is already gone
                self.log("devstack", f"while stopping: {error!r}")

    def __enter__(self) -> Devstack:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class _LateBoundApp:
    app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)
