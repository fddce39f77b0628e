"""A patron registering in the chat, with the browser steps a phone would take (requests)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import requests

from .sim import Sim, flex_buttons

PERSONA_FORM = re.compile(r'<form method="post" action="([^"]+)"')
REQUEST_ID = re.compile(r'name="request_id" value="([^"]+)"')


def browser() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def answers(sim: Sim, user: str, count: int = 1) -> list[dict]:
    return [m["message"] for m in sim.next_messages(user, count)]


def labelled(message: dict) -> dict[str, dict]:
    """A message's buttons and quick replies by label."""
    actions = flex_buttons(message) if message["type"] == "flex" else []
    actions += [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    return {action["label"]: action for action in actions}


def tap(sim: Sim, user: str, message: dict, label: str, count: int = 1) -> list[dict]:
    sim.tap(user, labelled(message)[label])
    return answers(sim, user, count)


def to_verification(sim: Sim, user: str, method: str, document: str | None = None) -> str:
    """利用者登録 → 同意します → the method (→ the document): the URL of 本人確認へ進む."""
    sim.tap(user, {"type": "postback", "data": "action=register"})
    _terms, question = answers(sim, user, 2)
    (methods,) = tap(sim, user, question, "同意します")
    (next_step,) = tap(sim, user, methods, method)
    if document:
        (next_step,) = tap(sim, user, next_step, document)
    return labelled(next_step)["本人確認へ進む"]["uri"]


def open_provider(start_url: str, http: requests.Session) -> requests.Response:
    """The start link's redirect followed to the provider's persona page."""
    started = http.get(start_url, allow_redirects=False, timeout=20)
    assert started.status_code == 302, started.text
    page = http.get(started.headers["Location"], timeout=20)
    assert page.status_code == 200, page.text
    return page


def choose_persona(page: requests.Response, persona: str, http: requests.Session):
    """Submit the provider page's form with a persona; the provider's redirect, not followed."""
    action = PERSONA_FORM.search(page.text).group(1)
    form = {"persona": persona}
    if found := REQUEST_ID.search(page.text):
        form["request_id"] = found.group(1)
    base = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    return http.post(base + action, data=form, allow_redirects=False, timeout=20)


def jpki(start_url: str, persona: str, http: requests.Session | None = None):
    """Through the JPKI provider and back; the callback's page and the redirect it came by."""
    http = http or browser()
    decided = choose_persona(open_provider(start_url, http), persona, http)
    assert decided.status_code in (302, 303), decided.text
    callback = decided.headers["Location"]
    return http.get(callback, timeout=20), callback


def face(start_url: str, persona: str, http: requests.Session | None = None):
    """Through the face provider (which posts its webhook) and back to our return page."""
    http = http or browser()
    decided = choose_persona(open_provider(start_url, http), persona, http)
    assert decided.status_code == 303, decided.text
    return http.get(decided.headers["Location"], timeout=20)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def answer_questions(sim: Sim, user: str, question: dict, contact: str = "03-1234-5678"):
    """区分 → 連絡先 → 通知の書名表示: the confirmation."""
    (contact_question,) = tap(sim, user, question, "区内在住")
    sim.say(user, contact)
    (titles,) = answers(sim, user)
    (confirmation,) = tap(sim, user, titles, "表示しない")
    return confirmation
