import pytest

from library_service.catalogue.normalise import normalise


@pytest.mark.parametrize(
    "typed",
    ["芥川竜之介", "芥川 竜之介", "芥川　竜之介", " 芥川・竜之介 ", "芥川,竜之介", "芥川、竜之介"],
)
def test_author_spacing_dots_and_commas_do_not_matter(typed):
    assert normalise(typed) == "芥川竜之介"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ｺｺﾛ", "こころ"),  # half-width katakana
        ("ココロ", "こころ"),  # katakana folds to hiragana
        ("Ｏ君の新秋", "o君の新秋"),  # full-width Latin, case-insensitive
        ("ABC", "abc"),
        ("ヴァイオリン", "ゔぁいおりん"),
        ("コンピューター", "コンピュータ"),  # the prolonged sound mark is dropped
        ("スリーピー・ホロー", "スリ－ピ－ホロ－"),  # dash variants typed for ー
        ("鸚鵡 ――大震覚え書の一つ――", "鸚鵡大震覚え書の一つ"),
        ("「羅生門」", "羅生門"),
        ("１２３", "123"),
    ],
)
def test_variants_meet(a, b):
    assert normalise(a) == normalise(b)


def test_different_words_stay_different():
    assert normalise("こころ") != normalise("こごろ")
    assert normalise("心") != normalise("こころ")  # kanji are not read as kana


def test_nothing_left_of_punctuation_only():
    assert normalise(" 、・―　") == ""
    assert normalise(None) == ""
