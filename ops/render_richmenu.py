"""Draws the rich menu images (data/richmenu/*.png) from the panel definitions.

The images are committed, so provisioning needs no fonts; rerun this after changing a label:
`python -m ops.render_richmenu` (needs Pillow and a Japanese font, Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from library_service.conversation.richmenu import HEIGHT, PANELS, TAB_HEIGHT, WIDTH

IMAGES = Path(__file__).resolve().parents[1] / "data" / "richmenu"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
GREEN, PALE, INK, LINE_GRAY = "#06C755", "#F2FBF5", "#1E2A23", "#D5DDD8"


def _centered(draw: ImageDraw.ImageDraw, box: tuple, text: str, font, fill) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + (box[2] - box[0] - (right - left)) / 2
    y = box[1] + (box[3] - box[1] - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def render(panel) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    tab_font = ImageFont.truetype(str(FONT), 96)
    entry_font = ImageFont.truetype(str(FONT), 110)
    for index, area in enumerate(panel.areas):
        box = (area.x, area.y, area.x + area.width, area.y + area.height)
        if area.y < TAB_HEIGHT:
            selected = index == panel.selected_tab
            draw.rectangle(box, fill=GREEN if selected else PALE)
            _centered(draw, box, area.label, tab_font, "white" if selected else INK)
        else:
            draw.rectangle(box, fill="white", outline=LINE_GRAY, width=6)
            _centered(draw, box, area.label, entry_font, INK)
    return image


def main() -> int:
    if not FONT.is_file():
        print(f"missing font {FONT}: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    for panel in PANELS:
        path = IMAGES / f"{panel.alias}.png"
        render(panel).save(path, optimize=True)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
