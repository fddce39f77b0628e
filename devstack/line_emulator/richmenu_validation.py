"""Checks rich menu objects and images against LINE's limits."""

from __future__ import annotations

import re
import struct

from .validation_common import Errors

ALIAS_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_IMAGE_BYTES = 1024 * 1024


def validate_rich_menu(menu) -> list[dict]:
    errors = Errors()
    if not isinstance(menu, dict):
        errors.add("richMenu", "must be an object")
        return errors.details
    size = menu.get("size")
    width = height = None
    if not isinstance(size, dict):
        errors.add("size", "must be specified")
    else:
        width, height = size.get("width"), size.get("height")
        if not isinstance(width, int) or not 800 <= width <= 2500:
            errors.add("size.width", "must be between 800 and 2500")
        if not isinstance(height, int) or height < 250:
            errors.add("size.height", "must be at least 250")
        elif isinstance(width, int) and width / height < 1.45:
            errors.add("size", "width / height must be at least 1.45")
    if not isinstance(menu.get("selected"), bool):
        errors.add("selected", "must be specified")
    errors.text(menu, "name", "richMenu", 1, 300)
    errors.text(menu, "chatBarText", "richMenu", 1, 14)
    for index, area in enumerate(errors.array(menu, "areas", "richMenu", 0, 20)):
        _area(errors, area, f"areas[{index}]", width, height)
    # Top-level properties are reported bare (e.g. "chatBarText"), as LINE does.
    for detail in errors.details:
        detail["property"] = detail["property"].removeprefix("richMenu.")
    return errors.details


def _area(errors: Errors, area, prop: str, width, height) -> None:
    if not isinstance(area, dict):
        errors.add(prop, "must be an object")
        return
    bounds = area.get("bounds")
    keys = ("x", "y", "width", "height")
    if not isinstance(bounds, dict) or not all(isinstance(bounds.get(k), int) for k in keys):
        errors.add(f"{prop}.bounds", "must be specified")
    elif isinstance(width, int) and isinstance(height, int):
        inside = (
            bounds["x"] >= 0
            and bounds["y"] >= 0
            and bounds["x"] + bounds["width"] <= width
            and bounds["y"] + bounds["height"] <= height
        )
        if not inside:
            errors.add(f"{prop}.bounds", "must be inside the rich menu")
    errors.action(area.get("action"), f"{prop}.action", "richmenu", 20, False)


def image_problem(content_type: str, body: bytes, menu: dict) -> str | None:
    """Why LINE would refuse this rich menu image, or None."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in ("image/png", "image/jpeg"):
        return "Content-Type must be image/png or image/jpeg"
    if not body:
        return "Request body must not be empty"
    if len(body) > MAX_IMAGE_BYTES:
        return "Image must be at most 1 MB"
    size = image_size(body)
    if size is None:
        return "Image is not a valid PNG or JPEG"
    expected = (menu["size"]["width"], menu["size"]["height"])
    if size != expected:
        return (
            f"Image size {size[0]}x{size[1]} must match the rich menu size"
            f" {expected[0]}x{expected[1]}"
        )
    return None


def image_size(body: bytes) -> tuple[int, int] | None:
    if body.startswith(b"\x89PNG\r\n\x1a\n") and len(body) >= 24:
        return struct.unpack(">II", body[16:24])
    if body.startswith(b"\xff\xd8"):
        return _jpeg_size(body)
    return None


def _jpeg_size(body: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(body):
        if body[pos] != 0xFF:
            return None
        marker = body[pos + 1]
        length = struct.unpack(">H", body[pos + 2 : pos + 4])[0]
        # SOF0..SOF15 carry the frame size; C4, C8 and CC are other tables with similar codes.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", body[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None
