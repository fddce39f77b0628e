"""The devstack's own endpoints, under /_devstack/ on the app's API port; the rest is the app's.

GET  /_devstack/schedules
    -> {"schedules": [{"function", "event", "type", "name", "expression", "enabled",
                       "input", "runsOnTimer", "run"}]}
POST /_devstack/schedules/<FunctionLogicalId>/<EventName>
    runs the schedule now and waits for the function:
    -> 200 {"event": <what the function got>, "result": <what it returned>}
    -> 502 {"event": ..., "error": {"errorType", "errorMessage"}} when it raised
    -> 404 {"message": ...} when the template has no such schedule
GET  /_devstack/sam-env-vars?host=host.docker.internal
    -> {"<FunctionLogicalId>": {"VAR": "value"}}: a `sam local --env-vars` file pointing each
       function at this devstack's tables, queues, moto and LINE emulator, with the devstack's
       host replaced by `host` (what a container calls this machine)
"""

from __future__ import annotations

import json
from collections.abc import Callable

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .functions import InvocationError
from .schedules import ScheduleRunner

PREFIX = "/_devstack/"


def _json(status: int, body: dict) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        mimetype="application/json",
    )


class DevstackControl:
    def __init__(
        self,
        app: Callable,
        schedules: ScheduleRunner,
        invoke: Callable[[str, dict], object],
        sam_env_vars: Callable[[str], dict],
    ) -> None:
        self._app = app
        self._schedules = schedules
        self._invoke = invoke
        self._sam_env_vars = sam_env_vars
        self._map = Map(
            [
                Rule("/_devstack/schedules", endpoint="list", methods=["GET"]),
                Rule("/_devstack/schedules/<function>/<event>", endpoint="run", methods=["POST"]),
                Rule("/_devstack/sam-env-vars", endpoint="sam", methods=["GET"]),
            ]
        )

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(PREFIX):
            return self._app(environ, start_response)
        return self._control(environ, start_response)

    @Request.application
    def _control(self, request: Request) -> Response:
        try:
            endpoint, args = self._map.bind_to_environ(request.environ).match()
        except HTTPException as error:
            return _json(error.code or 404, {"message": error.description})
        if endpoint == "sam":
            return _json(200, self._sam_env_vars(request.args.get("host", "host.docker.internal")))
        if endpoint == "list":
            runner = self._schedules
            return _json(
                200,
                {"schedules": [s.describe(runner.on_timer(s)) for s in runner.schedules.values()]},
            )
        return self._run(args["function"], args["event"])

    def _run(self, function: str, event_name: str) -> Response:
        schedule = self._schedules.get(function, event_name)
        if schedule is None:
            return _json(404, {"message": f"the template has no schedule {function}/{event_name}"})
        event = schedule.event(self._schedules.stack)
        try:
            result = self._invoke(function, event)
        except InvocationError as error:
            return _json(502, {"event": event, "error": error.error})
        return _json(200, {"event": event, "result": result})
