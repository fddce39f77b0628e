"""本の検索 through the conversation function: moto tables, the real catalogue adapter, and
the LINE stand-in recording what was sent."""

from __future__ import annotations

from library_service.catalogue.libraries import default_libraries
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from ops.catalogue.__main__ import DEMO_CATALOGUE
from ops.catalogue.generic import read_generic
from ops.catalogue.importer import import_rows
from tests.integration.conftest import context
from tests.support import line_events

REPLY = "/v2/bot/message/reply"


def run(conversation, event) -> None:
    conversation.lambda_handler(line_events.sqs_event(event), context("conversation"))


def test_title_search_answers_with_a_carousel_of_demo_books(
    stack, conversation, line_api, tmp_path
):
    head = DEMO_CATALOGUE.read_text(encoding="utf-8").splitlines()[:400]
    kokoro = next(
        line
        for line in DEMO_CATALOGUE.read_text(encoding="utf-8").splitlines()
        if line.split("\t")[1] == "こころ"
    )
    sample = tmp_path / "sample.tsv"
    sample.write_text("\n".join([*head, kokoro]) + "\n", encoding="utf-8")
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), stack.region)
    import_rows(read_generic(sample, default_libraries()), DynamoCatalogue())

    run(conversation, line_events.postback("action=search"))
    run(conversation, line_events.postback("action=search-by&field=title"))
    run(conversation, line_events.text("ココロ"))
    calls = line_api.calls_to(REPLY)
    assert len(calls) == 3
    carousel, navigation = calls[-1].body["messages"]
    titles = [b["body"]["contents"][0]["text"] for b in carousel["contents"]["contents"]]
    assert titles[0] == "こころ"
    assert navigation["contents"]["body"]["contents"][0]["text"].startswith(
        "書名「ココロ」の検索結果"
    )
