"""What the registration conversation shows: each step's question and the confirmation."""

from __future__ import annotations

from ..line import messages, postback
from ..registration.model import Registration, Stage
from . import menus, texts
from .reserve_messages import action_button, card

START = menus.MENU_ACTIONS[texts.MENU_REGISTER]
AGREE = "reg-agree"
DISAGREE = "reg-disagree"
METHOD = "reg-method"
DOCUMENT = "reg-doc"
CATEGORY = "reg-category"
NOTICE_TITLES = "reg-titles"
SUBMIT = "reg-submit"
AMEND = "reg-amend"
AMEND_FIELD = "reg-amend-field"
ABORT = "reg-abort"
RETRY = "reg-retry"

AMENDABLE = {
    Stage.CATEGORY: texts.REGISTER_LABEL_CATEGORY,
    Stage.CONTACT: texts.REGISTER_LABEL_CONTACT,
    Stage.NOTICE_TITLES: texts.REGISTER_LABEL_NOTICE_TITLES,
}


def _choice(label: str, action: str, **params: str) -> dict:
    return messages.postback_action(label, postback.encode(action, **params), display_text=label)


def terms(terms_text: str) -> list[dict]:
    return [
        messages.text(f"{texts.REGISTER_TERMS_INTRO}\n\n{terms_text}"),
        card(
            texts.REGISTER_TERMS_QUESTION,
            texts.REGISTER_TITLE,
            [texts.REGISTER_TERMS_QUESTION],
            [
                action_button(texts.REGISTER_AGREE, AGREE, style="primary"),
                action_button(texts.REGISTER_DISAGREE, DISAGREE),
            ],
        ),
    ]


def methods() -> list[dict]:
    return [
        card(
            texts.REGISTER_CHOOSE_METHOD,
            texts.REGISTER_TITLE,
            [texts.REGISTER_CHOOSE_METHOD],
            [
                action_button(texts.REGISTER_METHOD_JPKI, METHOD, style="primary", m="jpki"),
                action_button(texts.REGISTER_METHOD_FACE, METHOD, style="primary", m="face"),
                action_button(texts.REGISTER_ABORT, ABORT),
            ],
        )
    ]


def documents() -> list[dict]:
    buttons = [
        action_button(label, DOCUMENT, style="primary", d=document)
        for document, label in texts.REGISTER_DOCUMENTS.items()
    ]
    return [
        card(
            texts.REGISTER_CHOOSE_DOCUMENT,
            texts.REGISTER_TITLE,
            [texts.REGISTER_CHOOSE_DOCUMENT],
            [*buttons, action_button(texts.REGISTER_ABORT, ABORT)],
        )
    ]


def open_verification(start_url: str) -> list[dict]:
    button = messages.button(messages.uri_action(texts.REGISTER_VERIFY, start_url), "primary")
    return [
        card(
            texts.REGISTER_VERIFY,
            texts.REGISTER_TITLE,
            [texts.REGISTER_VERIFY_NOTE],
            [button, action_button(texts.REGISTER_ABORT, ABORT)],
        )
    ]


def verification_failed(outcome: str) -> list[dict]:
    said = texts.REGISTER_VERIFY_FAILED.get(outcome, texts.REGISTER_VERIFY_FAILED["invalid"])
    return [
        card(
            said,
            texts.REGISTER_TITLE,
            [said],
            [
                action_button(texts.REGISTER_RETRY, RETRY, style="primary"),
                action_button(texts.REGISTER_OTHER_METHOD, AGREE),
                action_button(texts.REGISTER_ABORT, ABORT),
            ],
        )
    ]


def question(registration: Registration, error: str | None = None) -> list[dict]:
    """The question the registration waits for, with `error` first when an answer was wrong."""
    lead = [error] if error else []
    if registration.stage is Stage.CATEGORY:
        choices = [_choice(label, CATEGORY, v=v) for v, label in texts.REGISTER_CATEGORIES.items()]
        return [messages.text("\n".join([*lead, texts.REGISTER_ASK_CATEGORY]), choices)]
    if registration.stage is Stage.CONTACT:
        return [messages.text("\n".join([*lead, texts.REGISTER_ASK_CONTACT]))]
    if registration.stage is Stage.NOTICE_TITLES:
        choices = [
            _choice(texts.REGISTER_TITLES_SHOWN, NOTICE_TITLES, v="1"),
            _choice(texts.REGISTER_TITLES_HIDDEN, NOTICE_TITLES, v="0"),
        ]
        return [messages.text("\n".join([*lead, texts.REGISTER_ASK_NOTICE_TITLES]), choices)]
    return confirmation(registration)


def verified(registration: Registration) -> list[dict]:
    return [messages.text(texts.REGISTER_VERIFIED), *question(registration)]


def _row(label: str, value: str) -> dict:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            messages.text_block(label, size="sm", color="#666666", flex=3),
            messages.text_block(value, size="sm", flex=7),
        ],
    }


def confirmation(registration: Registration) -> list[dict]:
    facts = registration.verified
    rows = []
    if facts:
        rows += [
            _row(texts.REGISTER_LABEL_NAME, facts.name),
            _row(texts.REGISTER_LABEL_BIRTH_DATE, texts.register_birth_date(facts.birth_date)),
            _row(texts.REGISTER_LABEL_ADDRESS, facts.address),
            _row(
                texts.REGISTER_LABEL_IDENTITY,
                texts.register_identity_label(
                    facts.method.value, facts.document.value if facts.document else None
                ),
            ),
        ]
    if registration.category:
        rows.append(
            _row(
                texts.REGISTER_LABEL_CATEGORY,
                texts.REGISTER_CATEGORIES[registration.category.value],
            )
        )
    if registration.contact:
        rows.append(_row(texts.REGISTER_LABEL_CONTACT, registration.contact))
    if registration.notice_titles is not None:
        shown = (
            texts.REGISTER_TITLES_SHOWN
            if registration.notice_titles
            else texts.REGISTER_TITLES_HIDDEN
        )
        rows.append(_row(texts.REGISTER_LABEL_NOTICE_TITLES, shown))
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [
                messages.text_block(
                    texts.REGISTER_CONFIRMATION, weight="bold", size="sm", color="#1E7B34"
                ),
                *rows,
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                action_button(texts.REGISTER_SUBMIT, SUBMIT, style="primary"),
                action_button(texts.REGISTER_AMEND, AMEND),
                action_button(texts.REGISTER_ABORT, ABORT),
            ],
        },
    }
    return [messages.flex(texts.REGISTER_CONFIRMATION, bubble)]


def amend_choices() -> list[dict]:
    buttons = [
        action_button(label, AMEND_FIELD, f=stage.value) for stage, label in AMENDABLE.items()
    ]
    return [
        card(
            texts.REGISTER_AMEND_WHICH, texts.REGISTER_TITLE, [texts.REGISTER_AMEND_WHICH], buttons
        )
    ]


def ended(said: str) -> list[dict]:
    return [messages.text(said, [menus.back_to_menu()])]


def no_session() -> list[dict]:
    return [
        messages.text(
            texts.REGISTER_NO_SESSION,
            [_choice(texts.MENU_REGISTER, START), menus.back_to_menu()],
        )
    ]


def already_linked() -> list[dict]:
    mypage = menus.MENU_ACTIONS[texts.MENU_MYPAGE]
    return [
        messages.text(
            texts.REGISTER_ALREADY_LINKED,
            [_choice(texts.MENU_MYPAGE, mypage), menus.back_to_menu()],
        )
    ]


def done(patron_id: str, category: str) -> list[dict]:
    card_action = menus.MENU_ACTIONS[texts.MENU_CARD]
    return [
        messages.text(
            texts.register_done(patron_id, category),
            [_choice(texts.MENU_CARD, card_action), menus.back_to_menu()],
        )
    ]
