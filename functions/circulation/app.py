"""The circulation desk's API (IAM-authorised): check-in, arrival and check-out by barcode.

For staff tools and the library system; the same operations are in `python -m ops.circulation`.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import BadRequestError

from library_service.config import get_settings
from library_service.holds.circulation import CirculationDesk, DeskError
from library_service.holds.desk_json import outcome_json
from library_service.wiring import build_circulation_desk

logger = Logger(service="circulation")
app = APIGatewayHttpResolver()
_desk: CirculationDesk | None = None


def _circulation() -> CirculationDesk:
    global _desk
    if _desk is None:
        _desk = build_circulation_desk(get_settings())
    return _desk


def _fields(*names: str) -> list[str]:
    try:
        body = app.current_event.json_body if app.current_event.body else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    values = [body.get(name) for name in names]
    missing = [n for n, v in zip(names, values, strict=True) if not isinstance(v, str) or not v]
    if missing:
        raise BadRequestError(f"missing or empty: {', '.join(missing)}")
    return values


@app.exception_handler(DeskError)
def _refused(error: DeskError) -> Response:
    logger.info("desk refused", extra={"reason": str(error)})
    return Response(409, "application/json", body={"message": str(error)})


@app.post("/circulation/check-in")
def check_in() -> dict:
    barcode, library_id = _fields("barcode", "libraryId")
    return outcome_json(_circulation().check_in(barcode, library_id))


@app.post("/circulation/arrival")
def arrival() -> dict:
    barcode, library_id = _fields("barcode", "libraryId")
    return outcome_json(_circulation().arrive(barcode, library_id))


@app.post("/circulation/check-out")
def check_out() -> dict:
    barcode, patron_id = _fields("barcode", "patronId")
    return outcome_json(_circulation().check_out(barcode, patron_id))


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
