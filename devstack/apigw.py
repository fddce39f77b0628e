"""The app's API as API Gateway serves it: each API event of the template routed to its function.

HTTP API routes get payload format 2.0 events, REST API routes (`Api`) get 1.0 events, and the
handler's answer is turned back into an HTTP response the way API Gateway does it.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .template import Stack

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/javascript",
    "+json",
    "+xml",
)


@dataclass(frozen=True)
class Route:
    function: str
    method: str  # "ANY" or an HTTP method
    path: str  # the template's path, e.g. /mypage/{proxy+}
    payload_version: str  # "2.0" for HttpApi, "1.0" for Api


def routes_from_template(stack: Stack) -> list[Route]:
    routes = []
    for name, resource in stack.resources_of_type("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] in ("HttpApi", "Api"):
                props = event["Properties"]
                version = "2.0" if event["Type"] == "HttpApi" else "1.0"
                version = str(props.get("PayloadFormatVersion", version))
                routes.append(
                    Route(name, props.get("Method", "ANY").upper(), props["Path"], version)
                )
    return routes


def _werkzeug_path(path: str) -> str:
    path = re.sub(r"\{(\w+)\+\}", r"<path:\1>", path)
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def _is_text(content_type: str) -> bool:
    return any(marker in content_type for marker in TEXT_TYPES)


class ApiGateway:
    def __init__(self, routes: list[Route], invoke: Callable[[str, dict], object]) -> None:
        self._invoke = invoke
        self._routes = {str(index): route for index, route in enumerate(routes)}
        rules = []
        for index, route in self._routes.items():
            methods = None if route.method == "ANY" else [route.method]
            rules.append(Rule(_werkzeug_path(route.path), endpoint=index, methods=methods))
        self._map = Map(rules, strict_slashes=False, merge_slashes=False)

    @Request.application
    def __call__(self, request: Request) -> Response:
        try:
            endpoint, path_params = self._map.bind_to_environ(request.environ).match()
        except (NotFound, MethodNotAllowed):
            return _json_response(404, {"message": "Not Found"})
        except HTTPException as error:
            return error.get_response()
        route = self._routes[endpoint]
        path_params = {key.rstrip("+"): value for key, value in path_params.items()}
        if route.payload_version == "2.0":
            event = http_api_event(request, route, path_params)
        else:
            event = rest_api_event(request, route, path_params)
        try:
            result = self._invoke(route.function, event)
        except Exception:
            return _json_response(502, {"message": "Internal Server Error"})
        return to_response(result, route.payload_version)


def _body(request: Request) -> tuple[str | None, bool]:
    raw = request.get_data()
    if not raw:
        return None, False
    if _is_text(request.content_type or ""):
        try:
            return raw.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(raw).decode("ascii"), True


def _request_context(request: Request, route: Route) -> dict:
    now = time.time()
    return {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": request.host,
        "domainPrefix": request.host.split(".")[0],
        "requestId": str(uuid.uuid4()),
        "stage": "$default",
        "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now * 1000),
    }


def http_api_event(request: Request, route: Route, path_params: dict) -> dict:
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        if name.lower() == "cookie":
            continue
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    # API Gateway tells the function how the client reached it.
    headers["x-forwarded-proto"] = request.scheme
    headers.setdefault("x-forwarded-for", request.remote_addr or "127.0.0.1")
    query: dict[str, str] = {}
    for key, values in request.args.lists():
        query[key] = ",".join(values)
    body, is_base64 = _body(request)
    route_key = f"{route.method} {route.path}" if route.method != "ANY" else f"ANY {route.path}"
    event = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query_string.decode("latin-1"),
        "headers": headers,
        "requestContext": {
            **_request_context(request, route),
            "routeKey": route_key,
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "sourceIp": request.remote_addr or "127.0.0.1",
                "userAgent": request.headers.get("User-Agent", ""),
            },
        },
        "isBase64Encoded": is_base64,
    }
    cookies = [
        part.strip() for part in request.headers.get("Cookie", "").split(";") if part.strip()
    ]
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_params:
        event["pathParameters"] = path_params
    if body is not None:
        event["body"] = body
    return event


def rest_api_event(request: Request, route: Route, path_params: dict) -> dict:
    body, is_base64 = _body(request)
    return {
        "resource": route.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": dict(request.headers.items()),
        "multiValueHeaders": {
            name: request.headers.getlist(name) for name, _ in request.headers.items()
        },
        "queryStringParameters": dict(request.args.items()) or None,
        "multiValueQueryStringParameters": dict(request.args.lists()) or None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "requestContext": {
            **_request_context(request, route),
            "resourcePath": route.path,
            "httpMethod": request.method,
            "path": request.path,
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1"},
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def _json_response(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def to_response(result: object, payload_version: str) -> Response:
    """The HTTP response API Gateway makes of a handler's return value."""
    if payload_version == "2.0" and not (isinstance(result, dict) and "statusCode" in result):
        # HTTP API infers a 200 JSON response from anything that is not a response object.
        return Response(json.dumps(result), status=200, mimetype="application/json")
    if not isinstance(result, dict) or "statusCode" not in result:
        return _json_response(502, {"message": "Internal server error"})
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    response = Response(data, status=int(result["statusCode"]))
    response.headers.pop("Content-Type", None)
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.add(name, str(value))
    for cookie in result.get("cookies") or []:
        response.headers.add("Set-Cookie", cookie)
    return response
