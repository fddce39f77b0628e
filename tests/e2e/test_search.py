"""本の検索 on the devstack's demo catalogue, driven like a patron's phone through the emulator."""

from __future__ import annotations

import pytest

from .sim import flex_buttons


@pytest.fixture(scope="module", autouse=True)
def demo_catalogue(devstack):
    assert devstack.catalogue_loaded.wait(180), "the demo catalogue did not load"


def quick_reply(message: dict, label: str) -> dict:
    return next(
        i["action"] for i in message["quickReply"]["items"] if i["action"]["label"] == label
    )


def button(message: dict, label: str) -> dict:
    return next(action for action in flex_buttons(message) if action["label"] == label)


def titles(carousel: dict) -> list[str]:
    return [b["body"]["contents"][0]["text"] for b in carousel["contents"]["contents"]]


def summary(navigation: dict) -> str:
    return navigation["contents"]["body"]["contents"][0]["text"]


def search(sim, user: str, mode: str, keyword: str) -> tuple[dict, dict]:
    sim.say(user, "図書館")
    (menu,) = sim.next_messages(user, 1)
    sim.tap(user, button(menu["message"], "本の検索・予約"))
    (choose,) = sim.next_messages(user, 1)
    sim.tap(user, quick_reply(choose["message"], mode))
    (prompt,) = sim.next_messages(user, 1)
    assert prompt["message"]["text"].startswith(f"{mode}の検索キーワード")
    sim.say(user, keyword)
    carousel, navigation = sim.next_messages(user, 2)
    return carousel["message"], navigation["message"]


def test_author_search_pages_past_ten_and_twenty_then_ends(sim, patron):
    carousel, navigation = search(sim, patron, "著者名", "夏目 漱石")
    assert len(titles(carousel)) == 10
    assert summary(navigation) == "著者名「夏目 漱石」の検索結果：104件中 1〜10件目"
    seen = titles(carousel)
    for first, last in ((11, 20), (21, 30)):
        sim.tap(patron, button(navigation, "結果をさらに表示"))
        carousel, navigation = (m["message"] for m in sim.next_messages(patron, 2))
        assert summary(navigation).endswith(f"104件中 {first}〜{last}件目")
        seen += titles(carousel)
    assert len(seen) == 30 and "こころ" in seen

    sim.tap(patron, button(navigation, "終了"))
    (ended,) = sim.next_messages(patron, 1)
    assert ended["message"]["text"] == "本の検索を終了しました。"
    sim.say(patron, "夏目漱石")  # no longer searching: the bot offers the menu instead
    help_text, menu = sim.next_messages(patron, 2)
    assert menu["message"]["type"] == "flex" and "メニュー" in help_text["message"]["text"]


def test_title_search_finds_kokoro_typed_in_half_width_katakana(sim, patron):
    carousel, navigation = search(sim, patron, "書名", "ｺｺﾛ")
    assert titles(carousel)[0] == "こころ"
    book = carousel["contents"]["contents"][0]
    lines = [node["text"] for node in book["body"]["contents"]]
    assert lines[1] == "夏目 漱石 著"
    assert any(line.startswith(("貸出可能：", "すべて貸出中")) for line in lines)
    (reserve,) = [node["action"] for node in book["footer"]["contents"]]
    assert reserve["label"] == "予約する"
    sim.tap(patron, reserve)  # this patron is not a linked library user
    (answer,) = sim.next_messages(patron, 1)
    assert answer["message"]["text"].startswith("予約は、図書館の利用者登録とLINE連携")
