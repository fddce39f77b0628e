"""Messaging API rich menu endpoints: menus, images, default and per-user links, aliases."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .. import ids
from ..responses import json_body, line_error, line_json, state, validation_error
from ..richmenu_validation import ALIAS_ID_RE, image_problem, validate_rich_menu

bp = Blueprint("richmenu", __name__)

_NO_IMAGE = "must upload richmenu image before applying it to user"


def _linkable(menu_id: str):
    """An error response when LINE would refuse to show this menu to anyone, else None."""
    store = state().richmenus
    if store.get(menu_id) is None:
        return line_error(404, "Not found")
    if state().settings.require_richmenu_image and not store.has_image(menu_id):
        return line_error(400, _NO_IMAGE)
    return None


def _bad_user_ids(user_ids):
    if isinstance(user_ids, list) and 1 <= len(user_ids) <= 500:
        return None
    return validation_error([{"message": "Size must be between 1 and 500", "property": "userIds"}])


@bp.post("/v2/bot/richmenu")
def create():
    menu = json_body()
    details = validate_rich_menu(menu)
    if details:
        return validation_error(details)
    return line_json({"richMenuId": state().richmenus.create(menu)})


@bp.post("/v2/bot/richmenu/validate")
def validate():
    details = validate_rich_menu(json_body())
    return validation_error(details) if details else line_json({})


@bp.get("/v2/bot/richmenu/list")
def list_menus():
    return line_json({"richmenus": state().richmenus.all()})


@bp.get("/v2/bot/richmenu/<menu_id>")
def get_menu(menu_id: str):
    menu = state().richmenus.get(menu_id)
    return line_json(menu) if menu else line_error(404, "Not found")


@bp.delete("/v2/bot/richmenu/<menu_id>")
def delete_menu(menu_id: str):
    return line_json({}) if state().richmenus.delete(menu_id) else line_error(404, "Not found")


@bp.post("/v2/bot/richmenu/<menu_id>/content")
def upload_image(menu_id: str):
    store = state().richmenus
    menu = store.get(menu_id)
    if menu is None:
        return line_error(404, "Not found")
    if store.has_image(menu_id):
        return line_error(400, "An image has already been uploaded to the richmenu")
    body = request.get_data()
    problem = image_problem(request.content_type or "", body, menu)
    if problem:
        return line_error(400, problem)
    store.set_image(menu_id, request.content_type.split(";")[0].strip().lower(), body)
    return line_json({})


@bp.get("/v2/bot/richmenu/<menu_id>/content")
def download_image(menu_id: str):
    image = state().richmenus.image(menu_id)
    if image is None:
        return line_error(404, "Not found")
    return Response(image[1], mimetype=image[0])


@bp.post("/v2/bot/user/all/richmenu/<menu_id>")
def set_default(menu_id: str):
    refusal = _linkable(menu_id)
    if refusal:
        return refusal
    state().richmenus.set_default(menu_id)
    return line_json({})


@bp.get("/v2/bot/user/all/richmenu")
def get_default():
    menu_id = state().richmenus.default()
    return line_json({"richMenuId": menu_id}) if menu_id else line_error(404, "no default richmenu")


@bp.delete("/v2/bot/user/all/richmenu")
def clear_default():
    state().richmenus.set_default(None)
    return line_json({})


@bp.post("/v2/bot/user/<user_id>/richmenu/<menu_id>")
def link_user(user_id: str, menu_id: str):
    if not ids.is_user_id(user_id):
        return line_error(400, "The value for the 'userId' parameter is invalid")
    refusal = _linkable(menu_id)
    if refusal:
        return refusal
    state().richmenus.link(user_id, menu_id)
    return line_json({})


@bp.get("/v2/bot/user/<user_id>/richmenu")
def get_user_link(user_id: str):
    menu_id = state().richmenus.linked(user_id)
    return (
        line_json({"richMenuId": menu_id})
        if menu_id
        else line_error(404, "the user has no richmenu")
    )


@bp.delete("/v2/bot/user/<user_id>/richmenu")
def unlink_user(user_id: str):
    state().richmenus.link(user_id, None)
    return line_json({})


@bp.post("/v2/bot/richmenu/bulk/link")
def bulk_link():
    body = json_body()
    user_ids = body.get("userIds")
    refusal = _bad_user_ids(user_ids) or _linkable(str(body.get("richMenuId")))
    if refusal:
        return refusal
    for user_id in user_ids:
        state().richmenus.link(user_id, body["richMenuId"])
    return line_json({}, 202)


@bp.post("/v2/bot/richmenu/bulk/unlink")
def bulk_unlink():
    user_ids = json_body().get("userIds")
    refusal = _bad_user_ids(user_ids)
    if refusal:
        return refusal
    for user_id in user_ids:
        state().richmenus.link(user_id, None)
    return line_json({}, 202)


@bp.post("/v2/bot/richmenu/alias")
def create_alias():
    body = json_body()
    alias_id, menu_id = body.get("richMenuAliasId"), body.get("richMenuId")
    if not isinstance(alias_id, str) or not ALIAS_ID_RE.match(alias_id):
        return validation_error(
            [{"message": "must match [A-Za-z0-9_-]{1,32}", "property": "richMenuAliasId"}]
        )
    store = state().richmenus
    if not isinstance(menu_id, str) or store.get(menu_id) is None:
        return line_error(400, "richmenu not found")
    if store.alias(alias_id) is not None:
        return line_error(400, "conflict richmenu alias id")
    store.set_alias(alias_id, menu_id)
    return line_json({})


@bp.get("/v2/bot/richmenu/alias/list")
def list_aliases():
    aliases = state().richmenus.aliases()
    return line_json(
        {"aliases": [{"richMenuAliasId": a, "richMenuId": m} for a, m in aliases.items()]}
    )


@bp.get("/v2/bot/richmenu/alias/<alias_id>")
def get_alias(alias_id: str):
    menu_id = state().richmenus.alias(alias_id)
    if menu_id is None:
        return line_error(404, "Not found")
    return line_json({"richMenuAliasId": alias_id, "richMenuId": menu_id})


@bp.post("/v2/bot/richmenu/alias/<alias_id>")
def update_alias(alias_id: str):
    store = state().richmenus
    if store.alias(alias_id) is None:
        return line_error(404, "Not found")
    menu_id = json_body().get("richMenuId")
    if not isinstance(menu_id, str) or store.get(menu_id) is None:
        return line_error(400, "richmenu not found")
    store.set_alias(alias_id, menu_id)
    return line_json({})


@bp.delete("/v2/bot/richmenu/alias/<alias_id>")
def delete_alias(alias_id: str):
    return (
        line_json({}) if state().richmenus.delete_alias(alias_id) else line_error(404, "Not found")
    )
