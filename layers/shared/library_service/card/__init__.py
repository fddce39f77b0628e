"""利用者カード: the patron ID as an NW-7 barcode image, served from short-lived signed links.

Pure: no AWS here. `functions/card/app.py` serves the image; the conversation shows the card.
"""

from .barcode import ASPECT_RATIO, HEIGHT_PX, WIDTH_PX, nw7_png
from .links import CardLink, CardLinks, InvalidCardLink

__all__ = [
    "ASPECT_RATIO",
    "HEIGHT_PX",
    "WIDTH_PX",
    "CardLink",
    "CardLinks",
    "InvalidCardLink",
    "nw7_png",
]
