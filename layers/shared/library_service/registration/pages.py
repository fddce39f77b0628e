"""What the browser shows at each end of an identity check (title, message, HTTP status)."""

from __future__ import annotations

from ..web.pages import html_response, render
from .verification import Page

PAGES = {
    Page.VERIFIED: (
        200,
        "本人確認が完了しました",
        "LINEのトーク画面に戻り、続けて質問にお答えください。",
    ),
    Page.FAILED: (
        200,
        "本人確認ができませんでした",
        "LINEのトーク画面に戻ると、理由とやり直しの方法をご案内しています。",
    ),
    Page.WAITING: (
        200,
        "本人確認の手続きが終わりました",
        "結果はLINEのトーク画面でお知らせします。トーク画面に戻ってください。",
    ),
    Page.LINK_EXPIRED: (
        410,
        "このリンクは使えません",
        "有効期限が切れたか、すでに使われたリンクです。"
        "LINEのトーク画面で「利用者登録」からもう一度お手続きください。",
    ),
    Page.UNAVAILABLE: (
        503,
        "ただいま本人確認を利用できません",
        "時間をおいて、LINEのトーク画面からもう一度お試しください。",
    ),
}


def page_response(page: Page, library_name: str) -> dict:
    """The page as an HTTP API response."""
    status, title, message = PAGES[page]
    body = render("identity.html", title=title, message=message, library_name=library_name)
    return html_response(status, body)
