"""The patron ID as an NW-7 (Codabar) barcode, as a PNG for a phone's screen.

python-barcode encodes the symbol (start/stop `A`, narrow:wide 2:5); the bars are painted here
with Pillow on whole pixels, because its ImageWriter places bars in millimetres and rounding
leaves bars and spaces a pixel narrower or wider here and there. Every patron ID has ten
digits and every digit the same width in Codabar, so every card's image has the same size.
The digits under the bars use the DejaVu Sans Mono that python-barcode ships: no system font
is needed (Lambda has none). Both libraries are imported on first use: the conversation
function needs only the image's size, for the bubble, and should not pay for them at start.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from ..patrons.ids import is_valid_patron_id

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

START_STOP = "A"
MODULE_PX = 2  # a narrow element is 2 modules (4 px), a wide one 5 (10 px)
QUIET_ZONE_PX = 40  # ten narrow elements each side, as NW-7 asks for
TOP_PX = 24
BAR_HEIGHT_PX = 200
TEXT_GAP_PX = 14
FONT_PX = 36
BOTTOM_PX = 26
# 268 modules: start, ten digits and stop, with a narrow space between characters.
SYMBOL_MODULES = 268
WIDTH_PX = 2 * QUIET_ZONE_PX + SYMBOL_MODULES * MODULE_PX
HEIGHT_PX = TOP_PX + BAR_HEIGHT_PX + TEXT_GAP_PX + FONT_PX + BOTTOM_PX
ASPECT_RATIO = f"{WIDTH_PX}:{HEIGHT_PX}"  # for a Flex image component

FONT_FILE = ("barcode", "fonts/DejaVuSansMono.ttf")  # package, path inside it


def nw7_modules(patron_id: str) -> str:
    """The symbol as modules, "1" a bar and "0" a space; ValueError for anything but a
    patron ID, so no other text ever becomes a card."""
    if not is_valid_patron_id(patron_id):
        raise ValueError("not a patron ID")
    from barcode.codabar import CODABAR

    (modules,) = CODABAR(START_STOP + patron_id + START_STOP).build()
    if len(modules) != SYMBOL_MODULES:  # the image size promised to the Flex bubble
        raise RuntimeError(f"NW-7 symbol of {len(modules)} modules")
    return modules


def nw7_png(patron_id: str) -> bytes:
    """A grey-scale PNG, WIDTH_PX × HEIGHT_PX: the bars, and the digits under them."""
    from PIL import Image, ImageDraw

    modules = nw7_modules(patron_id)
    image = Image.new("L", (WIDTH_PX, HEIGHT_PX), 255)
    draw = ImageDraw.Draw(image)
    x = QUIET_ZONE_PX
    for module in modules:
        if module == "1":
            draw.rectangle(
                (x, TOP_PX, x + MODULE_PX - 1, TOP_PX + BAR_HEIGHT_PX - 1), fill=0, width=0
            )
        x += MODULE_PX
    draw.text(
        (WIDTH_PX // 2, TOP_PX + BAR_HEIGHT_PX + TEXT_GAP_PX),
        patron_id,
        font=_font(),
        fill=0,
        anchor="mt",
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1)
def _font() -> FreeTypeFont:
    from PIL import ImageFont

    package, path = FONT_FILE
    return ImageFont.truetype(io.BytesIO(files(package).joinpath(path).read_bytes()), FONT_PX)
