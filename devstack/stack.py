"""The whole system on one machine: moto, the app's API and event sources, the LINE emulator.

Everything is read from template.yaml: tables and queues are created from their resource
properties, routes and SQS event sources from the functions' events, and each function's
environment from Globals plus its own variables.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from moto.server import ThreadedMotoServer
from werkzeug.serving import WSGIRequestHandler, make_server

from ops.richmenu import RichMenuProvisioner

from .apigw import ApiGateway, routes_from_template
from .event_sources import SqsPoller, sqs_sources
from .functions import LocalFunction, function_specs
from .line_emulator import EmulatorSettings, LineEmulator
from .ports import ensure_free
from .provision import ClientFactory, provision, put_secret
from .template import ROOT, Stack, load_template

OVERRIDES_FILE = ROOT / "devstack.local.env"


@dataclass
class DevstackConfig:
    host: str = "127.0.0.1"
    api_port: int = 3000
    line_port: int = 3001
    aws_port: int = 4566
    region: str = "ap-northeast-1"
    overrides_file: Path = OVERRIDES_FILE
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
        self._log_lock = threading.Lock()
        self._started: list = []

    # -- logging -------------------------------------------------------------------------
    def log(self, source: str, line: str) -> None:
        with self._log_lock:
            print(f"[{source}] {line}", file=sys.stderr, flush=True)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Devstack:
        config = self.config
        ensure_free(config.host, config.aws_port, "embedded AWS (moto)", "--aws-port")
        ensure_free(config.host, config.api_port, "app API", "--api-port")
        ensure_free(config.host, config.line_port, "LINE emulator", "--line-port")
        try:
            self._start_aws()
            self._bind_api()
            self._start_line_emulator()
            self._provision()
            self._start_functions()
            self._serve_api()
            self._start_pollers()
            self._provision_rich_menus()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_aws(self) -> None:
        self._moto = ThreadedMotoServer(self.config.host, self.config.aws_port, verbose=False)
        self._moto.start()
        self._started.append(self._moto.stop)
        host, port = self._moto.get_host_and_port()
        self.aws_url = f"http://{host}:{port}"
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
        self.api_url = f"http://{self.config.host}:{self._api_server.server_port}"

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
        self.line_url = self.line.url

    def _provision(self) -> None:
        self.stack = provision(
            Stack(
                load_template(),
                region=self.config.region,
                parameter_overrides={"Stage": "local", "LineApiBaseUrl": self.line_url},
            ),
            self.clients,
        )
        emulator = self.line.settings
        put_secret(
            self.clients,
            self.stack.parameter("LineChannelSecretParameter"),
            emulator.channel_secret,
        )
        put_secret(
            self.clients,
            self.stack.parameter("LineChannelAccessTokenParameter"),
            emulator.channel_access_token,
        )

    def _start_functions(self) -> None:
        base_env = {
            "AWS_ACCESS_KEY_ID": "devstack",
            "AWS_SECRET_ACCESS_KEY": "devstack",
            "AWS_REGION": self.config.region,
            "AWS_DEFAULT_REGION": self.config.region,
            "AWS_ENDPOINT_URL": self.aws_url,
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        overrides = read_overrides(self.config.overrides_file)
        for name, spec in function_specs(self.stack, overrides).items():
            self.functions[name] = LocalFunction(spec, base_env, self.log)
        self._started.append(lambda: [f.stop() for f in self.functions.values()])

    def invoke(self, function: str, event: dict):
        return self.functions[function].invoke(event)

    def _serve_api(self) -> None:
        self._gateway_app.app = ApiGateway(routes_from_template(self.stack), self.invoke)
        thread = threading.Thread(target=self._api_server.serve_forever, daemon=True)
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

    def _provision_rich_menus(self) -> None:
        RichMenuProvisioner(
            self.line_url, self.line_url, self.line.settings.channel_access_token
        ).provision()

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
