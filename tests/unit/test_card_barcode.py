"""The 利用者カード's NW-7 barcode: read back by a real decoder (zxing-cpp), crisp, one size."""

from __future__ import annotations

import io
import itertools
from importlib.resources import files

import pytest
import zxingcpp
from PIL import Image

from library_service.card.barcode import (
    ASPECT_RATIO,
    BAR_HEIGHT_PX,
    FONT_FILE,
    HEIGHT_PX,
    QUIET_ZONE_PX,
    TOP_PX,
    WIDTH_PX,
    nw7_png,
)
from library_service.patrons.ids import new_patron_id

PATRON_IDS = [
    "1234567897",
    new_patron_id(0),  # 0000000000: leading zeros survive
    new_patron_id(999_999_999),
    new_patron_id(100_000_000),
    new_patron_id(532_272_695),
    new_patron_id(807_316_245),
]


def image_of(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png))


def decoded(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Codabar)


@pytest.mark.parametrize("patron_id", PATRON_IDS)
def test_the_barcode_reads_back_as_the_patron_id(patron_id):
    (barcode,) = decoded(image_of(nw7_png(patron_id)))
    assert barcode.format == zxingcpp.BarcodeFormat.Codabar
    # zxing gives the start/stop characters with the data; the card's are A…A.
    assert barcode.text in (patron_id, f"A{patron_id}A")
    assert barcode.text.strip("ABCD") == patron_id


@pytest.mark.parametrize("width", [308, 924])
def test_it_still_reads_when_a_phone_scales_it(width):
    image = image_of(nw7_png(PATRON_IDS[0])).convert("L")
    scaled = image.resize((width, round(HEIGHT_PX * width / WIDTH_PX)), Image.Resampling.LANCZOS)
    (barcode,) = decoded(scaled)
    assert barcode.text.strip("ABCD") == PATRON_IDS[0]


def test_every_card_has_the_same_size_about_600_pixels_wide():
    sizes = {image_of(nw7_png(patron_id)).size for patron_id in PATRON_IDS}
    assert sizes == {(WIDTH_PX, HEIGHT_PX)}
    assert 560 <= WIDTH_PX <= 680
    assert f"{WIDTH_PX}:{HEIGHT_PX}" == ASPECT_RATIO


def test_bars_are_crisp_whole_pixels_between_white_quiet_zones():
    image = image_of(nw7_png(PATRON_IDS[0]))
    for y in (TOP_PX, TOP_PX + BAR_HEIGHT_PX // 2, TOP_PX + BAR_HEIGHT_PX - 1):
        row = [image.getpixel((x, y)) for x in range(WIDTH_PX)]
        runs = [(value, len(list(group))) for value, group in itertools.groupby(row)]
        assert {value for value, _ in runs} == {0, 255}  # black and white, no grey edges
        assert runs[0] == (255, QUIET_ZONE_PX) and runs[-1] == (255, QUIET_ZONE_PX)
        assert {length for _, length in runs[1:-1]} == {4, 10}  # narrow and wide, 2:5
    above = [image.getpixel((x, TOP_PX - 1)) for x in range(WIDTH_PX)]
    assert set(above) == {255}


def test_the_digits_are_printed_under_the_bars_with_the_shipped_font():
    image = image_of(nw7_png(PATRON_IDS[0])).convert("L")
    text_area = image.crop((0, TOP_PX + BAR_HEIGHT_PX, WIDTH_PX, HEIGHT_PX))
    left, top, right, bottom = text_area.point(lambda v: 255 - v).getbbox()
    assert top > 0 and bottom < text_area.height  # below the bars, inside the image
    assert abs((left + right) / 2 - WIDTH_PX / 2) < 4  # centred
    assert right - left > WIDTH_PX / 3  # ten digits, readable
    package, path = FONT_FILE
    assert files(package).joinpath(path).is_file()  # no system font path, as on Lambda


@pytest.mark.parametrize(
    "not_an_id",
    [
        "",
        "123456789",
        "12345678901",
        "1234567891",  # wrong check digit
        "A1234567897A",
        "１２３４５６７８９７",  # full-width digits
        "1234 67897",
        None,
        1234567897,
    ],
)
def test_anything_but_a_patron_id_is_refused(not_an_id):
    with pytest.raises(ValueError):
        nw7_png(not_an_id)
