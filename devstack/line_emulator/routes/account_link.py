"""The account-link dialog that a link token sends the user to."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import events
from ..responses import state

bp = Blueprint("account_link", __name__)


@bp.get("/dialog/bot/accountLink")
def account_link():
    link_token = request.args.get("linkToken", "")
    nonce = request.args.get("nonce", "")
    if not link_token or not nonce:
        return render_template("account_link.html", outcome="bad_request"), 400
    emulator = state()
    issued = emulator.link_tokens.lookup(link_token)
    if issued is None:
        return render_template("account_link.html", outcome="unknown"), 400
    ok = emulator.link_tokens.consume(link_token) is not None
    delivery = None
    # LINE tells the bot about a failed link too, but with no reply token to answer it.
    if emulator.users.get(issued.user_id) is not None:
        delivery = emulator.webhooks.send(
            "accountLink",
            issued.user_id,
            events.account_link_payload(ok, nonce),
            replyable=ok,
        )
    return render_template(
        "account_link.html", outcome="ok" if ok else "failed", delivery=delivery
    ), (200 if ok else 400)
