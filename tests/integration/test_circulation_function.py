"""The circulation API's handler and the operator CLI on moto, through the template's wiring."""

from __future__ import annotations

import json

import pytest

from library_service.catalogue.libraries import default_libraries
from library_service.holds.service import HoldRules, HoldService
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from library_service.storage.holds import DynamoHolds, bind_holds
from ops.circulation.__main__ import main
from tests.integration.conftest import context
from tests.integration.test_circulation import KOKORO, RECORD
from tests.integration.test_holds import patron
from tests.support.functions import load_handler_module


@pytest.fixture
def circulation(stack, monkeypatch):
    for key, value in stack.function_environment("CirculationFunction").items():
        monkeypatch.setenv(key, value)
    from library_service import config

    config.get_settings.cache_clear()
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), stack.region)
    bind_holds(stack.ref("HoldsTable"), stack.region)
    DynamoCatalogue().save([KOKORO])
    return load_handler_module("circulation")


def call(handler, path: str, body) -> tuple[int, dict]:
    raw = body if isinstance(body, str) else json.dumps(body)
    event = {
        "version": "2.0",
        "routeKey": f"POST {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": "POST", "path": path}, "stage": "$default"},
        "body": raw,
        "isBase64Encoded": False,
    }
    answer = handler.lambda_handler(event, context("circulation"))
    return answer["statusCode"], json.loads(answer["body"])


def test_check_in_and_out_over_the_api(circulation):
    holds = HoldService(DynamoHolds(), DynamoCatalogue(), default_libraries(), HoldRules())
    placed = holds.place(patron(1), RECORD, "central").hold
    status, answer = call(
        circulation, "/circulation/check-in", {"barcode": "77301", "libraryId": "yoyogi"}
    )
    assert status == 200 and answer["action"] == "in_transit"
    assert answer["hold"]["holdId"] == placed.hold_id
    status, answer = call(
        circulation, "/circulation/arrival", {"barcode": "77301", "libraryId": "central"}
    )
    assert status == 200 and answer["action"] == "ready"
    status, answer = call(
        circulation, "/circulation/check-out", {"barcode": "77301", "patronId": "P0002"}
    )
    assert status == 409 and "another patron" in answer["message"]
    status, answer = call(
        circulation, "/circulation/check-out", {"barcode": "77301", "patronId": "P0001"}
    )
    assert status == 200 and answer["action"] == "collected" and answer["loan"]["dueOn"]


@pytest.mark.parametrize(
    "body", ["{not json", "[1]", {"barcode": "77301"}, {"barcode": "", "libraryId": "central"}]
)
def test_bad_requests_are_400_and_change_nothing(circulation, body):
    status, answer = call(circulation, "/circulation/check-in", body)
    assert status == 400 and answer["message"]
    assert DynamoCatalogue().copy_by_barcode("77301").status.value == "on_shelf"


def test_the_cli_checks_in_and_refuses_with_status_1(circulation, stack, capsys):
    assert main(["--stage", "test", "check-in", "77300", "--at", "central"]) == 0
    assert json.loads(capsys.readouterr().out)["action"] == "shelved"
    assert main(["--stage", "test", "arrive", "77300", "--at", "central"]) == 1
    assert "not in transit" in capsys.readouterr().err
