"""The whole hold cycle on the devstack: a linked patron reserves in the chat, staff scan the
copy with the operator CLI, the hold-ready notice arrives in the chat, the patron collects."""

from __future__ import annotations

import json

import pytest

from devstack.stack import DEMO_LINE_USER

from .operator import operator
from .sim import flex_buttons
from .test_search import button, quick_reply, titles

KOKORO_COPY = "00077300"  # a copy of 夏目漱石「こころ」 in the demo catalogue


@pytest.fixture(scope="module", autouse=True)
def demo_catalogue(devstack):
    assert devstack.catalogue_loaded.wait(180), "the demo catalogue did not load"


def desk(devstack, *args: str) -> dict:
    """`python -m ops.circulation …` against the devstack, as staff would run it."""
    return json.loads(operator(devstack, "ops.circulation", *args).splitlines()[-1])


def answers(sim, count: int = 1) -> list[dict]:
    return [m["message"] for m in sim.next_messages(DEMO_LINE_USER, count)]


def footer(bubble_message: dict) -> dict[str, dict]:
    return {a["label"]: a for a in flex_buttons(bubble_message)}


def test_reserve_in_the_chat_then_transit_arrival_notice_and_check_out(devstack, sim):
    sim.follow(DEMO_LINE_USER)
    answers(sim, 2)  # greeting and menu
    sim.say(DEMO_LINE_USER, "図書館")
    (menu,) = answers(sim)
    sim.tap(DEMO_LINE_USER, button(menu, "本の検索・予約"))
    (choose,) = answers(sim)
    sim.tap(DEMO_LINE_USER, quick_reply(choose, "書名"))
    answers(sim)
    sim.say(DEMO_LINE_USER, "こころ")
    carousel, _navigation = answers(sim, 2)
    assert titles(carousel)[0] == "こころ"
    kokoro = carousel["contents"]["contents"][0]
    (reserve,) = [node["action"] for node in kokoro["footer"]["contents"]]

    sim.tap(DEMO_LINE_USER, reserve)
    (draft,) = answers(sim)
    sim.tap(DEMO_LINE_USER, footer(draft)["選択"])
    (choices,) = answers(sim)
    sim.tap(DEMO_LINE_USER, footer(choices)["中央図書館"])
    (chosen,) = answers(sim)
    sim.tap(DEMO_LINE_USER, footer(chosen)["確定"])
    (confirmation,) = answers(sim)
    sim.tap(DEMO_LINE_USER, footer(confirmation)["予約"])
    (done,) = answers(sim)
    assert done["text"].startswith(
        "予約しました。\n書名：こころ\n受取場所：中央図書館\n順番：1番目"
    )

    moved = desk(devstack, "check-in", KOKORO_COPY, "--at", "yoyogi")
    assert moved["action"] == "in_transit"
    assert moved["hold"]["patronId"] == devstack.demo_patron_id
    ready = desk(devstack, "arrive", KOKORO_COPY, "--at", "central")
    assert ready["action"] == "ready"

    (notice,) = sim.next_messages(DEMO_LINE_USER, 1, timeout=30)
    assert notice["via"] == "push"
    text = json.dumps(notice["message"], ensure_ascii=False)
    assert "中央図書館" in text and "こころ" not in text  # titles stay off the lock screen

    sim.say(DEMO_LINE_USER, "予約状況")
    (status,) = answers(sim)
    assert "受取可能" in json.dumps(status, ensure_ascii=False)

    lent = desk(devstack, "check-out", KOKORO_COPY, "--patron", devstack.demo_patron_id)
    assert lent["action"] == "collected" and lent["loan"]["dueOn"]
    sim.say(DEMO_LINE_USER, "予約状況")
    (status,) = answers(sim)
    assert status["text"] == "現在、予約している本はありません。"
