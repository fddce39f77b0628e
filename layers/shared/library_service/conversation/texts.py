"""Everything the bot says, in one place, in the seed's wording (Japanese first)."""

from __future__ import annotations

LIBRARY_TAB = "図書館"

# The library menu's entries, in the order of the user guide.
MENU_REGISTER = "利用者登録"
MENU_SEARCH = "本の検索・予約"
MENU_MYPAGE = "マイページ"
MENU_CARD = "利用者カード"
MENU_BACK = "図書館メニュー"

MENU_TITLE = "図書館のメニュー"
MENU_ALT_TEXT = "図書館のメニュー：利用者登録／本の検索・予約／マイページ／利用者カード"
MENU_DESCRIPTIONS = {
    MENU_REGISTER: "LINEから図書館の利用者登録ができます。",
    MENU_SEARCH: "本の検索はどなたでも。予約は利用者登録とLINE連携がお済みの方が利用できます。",
    MENU_MYPAGE: "貸出・予約の確認、LINE連携、パスワードの変更ができます。",
    MENU_CARD: "利用者カードを表示します。",
}


def greeting(library_name: str) -> str:
    return (
        "友だち追加ありがとうございます。\n"
        f"このアカウントから{library_name}のサービスをご利用いただけます。\n\n"
        "トーク画面下のメニューから「図書館」のタブをタップするか、"
        "「図書館」と送信すると、図書館のメニューが表示されます。\n"
        "・利用者登録\n・本の検索・予約\n・マイページ\n・利用者カード"
    )


HELP = (
    "ご用件をメニューからお選びください。\n"
    "トーク画面下のメニューの「図書館」タブ、または「図書館」と送信すると、"
    "いつでも図書館のメニューを表示できます。"
)


def coming_soon(feature: str) -> str:
    return (
        f"「{feature}」は現在準備中です。ご利用いただけるようになるまで、"
        "しばらくお待ちください。\nほかのメニューは下のボタンから選べます。"
    )
