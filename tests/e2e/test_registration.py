"""利用者登録 on the devstack: the chat, the sandbox providers in a (scripted) browser, the
identity functions, DynamoDB, and the pushes that resume the chat."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
import zxingcpp
from PIL import Image

from library_service.patrons.ids import is_valid_patron_id

from .registration import (
    answer_questions,
    answers,
    browser,
    choose_persona,
    face,
    jpki,
    labelled,
    open_provider,
    query,
    tap,
    to_verification,
)
from .sim import new_user_id

PERSONA = ("渋谷 太郎", "1990-04-01", "1990年4月1日", "東京都渋谷区宇田川町1-1")


@pytest.fixture
def newcomer(sim) -> str:
    user = new_user_id()
    sim.follow(user, "渋谷 太郎")
    sim.next_messages(user, 2)
    return user


def registrations_table(devstack):
    return devstack.clients("dynamodb"), devstack.stack.physical_ids["RegistrationsTable"]


def stored_items(devstack) -> list[dict]:
    dynamodb, table = registrations_table(devstack)
    return dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]


def session_of(devstack, user: str) -> dict | None:
    dynamodb, table = registrations_table(devstack)
    return dynamodb.get_item(
        TableName=table, Key={"key": {"S": f"session#{user}"}}, ConsistentRead=True
    ).get("Item")


def test_registration_with_jpki_from_the_chat_to_a_patron_id(devstack, sim, newcomer, capsys):
    start_url = to_verification(sim, newcomer, "マイナンバーカード")
    assert start_url.startswith(devstack.api_url + "/identity/start?t=")
    page, _ = jpki(start_url, "success")
    assert page.status_code == 200 and "本人確認が完了しました" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    verified, question = answers(sim, newcomer, 2)
    assert verified["text"].startswith("本人確認が完了しました")
    confirmation = answer_questions(sim, newcomer, question)
    shown = json.dumps(confirmation, ensure_ascii=False)
    for fact in (PERSONA[0], PERSONA[2], PERSONA[3], "区内在住", "03-1234-5678"):
        assert fact in shown
    (done,) = tap(sim, newcomer, confirmation, "登録")
    patron_id = re.search(r"利用者ID：(\d{10})", done["text"]).group(1)
    assert is_valid_patron_id(patron_id)
    assert "窓口で住所確認" in done["text"]

    patrons = devstack.clients("dynamodb")
    item = patrons.get_item(
        TableName=devstack.stack.physical_ids["PatronsTable"], Key={"patronId": {"S": patron_id}}
    )["Item"]
    assert item["lineUserId"]["S"] == newcomer
    assert item["status"]["S"] == "provisional" and item["registeredVia"]["S"] == "line"
    assert item["identity"]["M"]["method"]["S"] == "jpki"
    assert item["identity"]["M"]["transactionId"]["S"].startswith("jpki-")
    assert item["birthDate"]["S"] == "1990-04-01"
    assert session_of(devstack, newcomer) is None  # the registration and its data are gone

    # 利用者登録 again: already linked, so マイページ is offered instead of a second patron.
    sim.tap(newcomer, {"type": "postback", "data": "action=register"})
    (again,) = answers(sim, newcomer)
    assert "すでに図書館の利用者とLINE連携しています" in again["text"]

    logged = capsys.readouterr()
    everything = logged.out + logged.err
    assert "identity check recorded" in everything  # the functions' logs were captured
    for personal in (*PERSONA, "03-1234-5678", "宇田川町"):
        assert personal not in everything


def test_registration_with_face_ekyc_and_a_driving_licence(devstack, sim, newcomer):
    start_url = to_verification(sim, newcomer, "顔認証", "運転免許証")
    back = face(start_url, "success")
    assert back.status_code == 200 and "結果はLINEのトーク画面でお知らせします" in back.text
    verified, question = answers(sim, newcomer, 2)
    assert verified["text"].startswith("本人確認が完了しました")
    confirmation = answer_questions(sim, newcomer, question, contact="taro@example.jp")
    assert "顔認証（運転免許証）" in json.dumps(confirmation, ensure_ascii=False)
    (done,) = tap(sim, newcomer, confirmation, "登録")
    assert re.search(r"利用者ID：\d{10}", done["text"])


@pytest.mark.parametrize(
    ("persona", "said"),
    [
        ("rejected", "本人確認ができませんでした。"),
        ("cancelled", "本人確認が中止されました。"),
        ("expired", "本人確認の有効期限が切れました。"),
        ("mismatched_nonce", "本人確認の結果を確認できませんでした。"),
    ],
)
def test_every_failing_jpki_persona_is_told_and_can_retry(devstack, sim, newcomer, persona, said):
    start_url = to_verification(sim, newcomer, "マイナンバーカード")
    page, _ = jpki(start_url, persona)
    assert "本人確認ができませんでした" in page.text
    (failed,) = answers(sim, newcomer)
    assert failed["altText"] == said or failed["altText"].startswith(said)
    assert list(labelled(failed)) == ["もう一度本人確認する", "本人確認の方法を選び直す", "中止"]
    (retry,) = tap(sim, newcomer, failed, "もう一度本人確認する")
    again = labelled(retry)["本人確認へ進む"]["uri"]
    assert again != start_url
    page, _ = jpki(again, "success")
    assert "本人確認が完了しました" in page.text


@pytest.mark.parametrize(
    ("persona", "said"),
    [
        ("rejected", "本人確認ができませんでした。"),
        ("cancelled", "本人確認が中止されました。"),
        ("expired", "本人確認の有効期限が切れました。"),
        ("mismatched_nonce", "本人確認の結果を確認できませんでした。"),
    ],
)
def test_every_failing_face_persona_is_told(devstack, sim, newcomer, persona, said):
    start_url = to_verification(sim, newcomer, "顔認証", "在留カード")
    face(start_url, persona)
    (failed,) = answers(sim, newcomer)
    assert failed["altText"].startswith(said)
    assert session_of(devstack, newcomer)["stage"]["S"] == "verifying"
    assert "verified" not in session_of(devstack, newcomer)


def test_a_replayed_callback_is_refused(devstack, sim, newcomer):
    start_url = to_verification(sim, newcomer, "マイナンバーカード")
    page, callback = jpki(start_url, "success")
    assert "本人確認が完了しました" in page.text
    answers(sim, newcomer, 2)
    replayed = browser().get(callback, timeout=20)
    assert replayed.status_code == 410 and "このリンクは使えません" in replayed.text


def test_a_callback_with_another_state_is_refused_and_changes_nothing(devstack, sim, newcomer):
    start_url = to_verification(sim, newcomer, "マイナンバーカード")
    http = browser()
    page = open_provider(start_url, http)
    decided = choose_persona(page, "success", http)
    params = query(decided.headers["Location"])
    forged = http.get(
        f"{devstack.api_url}/identity/callback",
        params={"code": params["code"], "state": params["state"][:-2] + "xx"},
        timeout=20,
    )
    assert forged.status_code == 410
    assert session_of(devstack, newcomer)["stage"]["S"] == "verifying"
    # The real redirect still works: the forged one used up nothing.
    real = http.get(decided.headers["Location"], timeout=20)
    assert "本人確認が完了しました" in real.text


def test_an_unknown_or_used_start_link_explains_itself(devstack):
    page = browser().get(f"{devstack.api_url}/identity/start", params={"t": "nope"}, timeout=20)
    assert page.status_code == 410 and "利用者登録" in page.text


def test_a_face_webhook_with_a_bad_signature_is_refused(devstack, sim, newcomer):
    start_url = to_verification(sim, newcomer, "顔認証", "パスポート")
    open_provider(start_url, browser())
    session = session_of(devstack, newcomer)
    attempt = session["attempt"]["M"]
    body = json.dumps(
        {
            "event": "session.completed",
            "session_id": attempt["providerSessionId"]["S"],
            "reference": attempt["state"]["S"],
            "result": "approved",
            "document": "passport",
            "completed_at": "2026-12-04T00:00:00Z",
            "verified": {"name": "偽 太郎", "birthdate": "2000-01-01", "address": "どこか"},
            "transaction_id": "face-forged",
        }
    )
    http = browser()
    for signature in ("", f"t={int(time.time())},v1={'0' * 64}"):
        refused = http.post(
            f"{devstack.api_url}/identity/webhook",
            data=body,
            headers={"Content-Type": "application/json", "X-Sandbox-Signature": signature},
            timeout=20,
        )
        assert refused.status_code == 401
    assert session_of(devstack, newcomer)["stage"]["S"] == "verifying"


def test_abort_leaves_no_personal_data(devstack, sim, newcomer):
    start_url = to_verification(sim, newcomer, "マイナンバーカード")
    jpki(start_url, "success")
    _verified, question = answers(sim, newcomer, 2)
    confirmation = answer_questions(sim, newcomer, question)
    assert session_of(devstack, newcomer)["verified"]["M"]["name"]["S"] == PERSONA[0]
    (aborted,) = tap(sim, newcomer, confirmation, "中止")
    assert "削除しました" in aborted["text"]
    assert session_of(devstack, newcomer) is None
    leftovers = [item for item in stored_items(devstack) if newcomer in json.dumps(item)]
    assert all(item["kind"]["S"] == "pointer" for item in leftovers)  # IDs only, no facts


def register_with_jpki(sim, user: str) -> tuple[str, dict]:
    """A whole registration through the chat; the new patron's ID."""
    jpki(to_verification(sim, user, "マイナンバーカード"), "success")
    _verified, question = answers(sim, user, 2)
    (done,) = tap(sim, user, answer_questions(sim, user, question), "登録")
    return re.search(r"利用者ID：(\d{10})", done["text"]).group(1), done


def images(message: dict) -> list[str]:
    found = re.findall(r'"url": "([^"]+)"', json.dumps(message))
    return [url for url in found if "/card/barcode.png" in url]


def test_the_new_patron_shows_the_card_and_its_barcode_reads_back(devstack, sim, newcomer):
    patron_id, done = register_with_jpki(sim, newcomer)
    (card,) = tap(sim, newcomer, done, "利用者カード")
    assert card["altText"] == "利用者カード"
    shown = json.dumps(card, ensure_ascii=False)
    assert PERSONA[0] in shown and patron_id[:4] in shown
    (url,) = images(card)
    assert url.startswith(devstack.api_url + "/card/barcode.png?t=")
    image = browser().get(url, timeout=20)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    (read,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.content)))
    assert read.format == zxingcpp.BarcodeFormat.Codabar
    assert read.text.strip("ABCD") == patron_id
    altered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert browser().get(altered, timeout=20).status_code == 403


def test_the_card_for_someone_not_registered_explains_how_to_get_one(sim, newcomer):
    sim.tap(newcomer, {"type": "postback", "data": "action=card"})
    (said,) = answers(sim, newcomer)
    assert "利用者登録" in json.dumps(said, ensure_ascii=False)
    assert {"利用者登録", "LINE連携"} <= set(labelled(said))
