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


# -- 本の検索・予約 ------------------------------------------------------------------------
SEARCH_BY_TITLE = "書名"
SEARCH_BY_AUTHOR = "著者名"
SEARCH_CHOOSE_MODE = "検索方法を選択してください。\n書名での検索か、著者名での検索かを選べます。"
SEARCH_MORE = "結果をさらに表示"
SEARCH_END = "終了"
SEARCH_ENDED = "本の検索を終了しました。"
SEARCH_RESERVE = "予約する"
SEARCH_ALT_TEXT = "本の検索結果"
SEARCH_ALL_OUT = "すべて貸出中"
SEARCH_NO_COPIES = "所蔵なし"
SEARCH_STALE = "この検索は終了しています。もう一度、検索方法を選んでください。"


def search_prompt(mode_label: str) -> str:
    example = "（例：こころ）" if mode_label == SEARCH_BY_TITLE else "（例：夏目漱石）"
    return f"{mode_label}の検索キーワードを入力してください。{example}"


def search_empty_keyword(mode_label: str) -> str:
    return f"検索キーワードが読み取れませんでした。{mode_label}を文字で入力してください。"


def search_not_found(mode_label: str, keyword: str) -> str:
    return (
        f"{mode_label}「{keyword}」に一致する本は見つかりませんでした。\n"
        "別のキーワードを入力するか、検索方法を変えてお試しください。"
    )


def search_try_other(mode_label: str) -> str:
    return f"{mode_label}で検索"


def search_summary(mode_label: str, keyword: str, total: int, first: int, last: int) -> str:
    return f"{mode_label}「{keyword}」の検索結果：{total}件中 {first}〜{last}件目"


SEARCH_NEXT_STEP = "ほかのキーワードで探すときは、そのまま入力してください。"


def on_shelf_at(names: list[str]) -> str:
    return "貸出可能：" + "、".join(names)


def copies_count(count: int) -> str:
    return f"所蔵 {count}冊"


def published(publisher: str, year: int | None) -> str:
    return " ".join(part for part in (publisher, f"{year}年" if year else "") if part)


# -- 予約 ----------------------------------------------------------------------------------
RESERVE_NOT_LINKED = (
    "予約は、図書館の利用者登録とLINE連携がお済みの方がご利用いただけます。\n"
    "はじめての方は「利用者登録」から、すでに図書館の利用者カードをお持ちの方は"
    "「マイページ」からLINE連携をしてください。"
)
RESERVE_TITLE = "予約内容"
RESERVE_CHOOSE_PICKUP = "予約した本を受け取る場所（図書館等）を選択します。"
RESERVE_SELECT = "選択"
RESERVE_PICKUP_LIST = "受け取る場所を選択してください。"
RESERVE_CONFIRM_PICKUP = "確定"
RESERVE_BACK = "戻る"
RESERVE_CONFIRMATION = "予約内容を確認してください。"
RESERVE_PLACE = "予約"
RESERVE_ABORT = "中止"
RESERVE_AMEND = "修正"
RESERVE_ABORTED = "予約を中止しました。"
RESERVE_UNKNOWN_TITLE = "この本は見つかりませんでした。もう一度検索してください。"
RESERVE_NOT_ALLOWED = (
    "申し訳ありません。現在の登録状況では予約できません。図書館にお問い合わせください。"
)
HOLDS_STATUS = "予約状況"
HOLDS_NONE = "現在、予約している本はありません。"
HOLDS_ALT_TEXT = "予約状況"
HOLD_CANCEL = "予約を取り消す"
HOLD_CANCEL_YES = "取り消す"
HOLD_CANCEL_NO = "取り消さない"
HOLD_KEPT = "予約はそのままです。"
HOLD_CANCELLED = "予約を取り消しました。"
HOLD_TRAPPED_CONTACT = (
    "この予約は本の準備が始まっているため、LINEからは取り消せません。受取館にお問い合わせください。"
)
HOLD_NOT_FOUND = "この予約は見つかりませんでした。予約状況をご確認ください。"


def pickup_label(library_name: str | None) -> str:
    return f"受取場所：{library_name or '未選択'}"


def waiting_before(count: int) -> str:
    return f"予約待ち：{count}人" if count else "予約待ち：なし"


def reserve_done(title: str, library_name: str, position: int | None) -> str:
    place = f"\n順番：{position}番目" if position else ""
    return (
        f"予約しました。\n書名：{title}\n受取場所：{library_name}{place}\n"
        "本が貸出可能になると、LINEでお知らせします。ご指定の図書館にご来館ください。"
    )


def reserve_already(title: str, position: int | None) -> str:
    place = f"（順番：{position}番目）" if position else ""
    return f"「{title}」はすでに予約しています{place}。予約状況から確認できます。"


def reserve_limit(limit: int) -> str:
    return (
        f"予約できるのは{limit}件までです。ほかの予約の受け取りか取り消しのあとでお試しください。"
    )


def hold_status_line(status: str, position: int | None, deadline: str | None) -> str:
    return {
        "placed": f"予約待ち（{position}番目）" if position else "予約待ち",
        "in_transit": "受取館へ回送中",
        "ready": f"受取可能（{deadline}まで）" if deadline else "受取可能",
    }.get(status, status)


def hold_cancel_question(title: str) -> str:
    return f"「{title}」の予約を取り消しますか？"


# -- 利用者登録 ----------------------------------------------------------------------------
REGISTER_TITLE = "利用者登録"
REGISTER_TERMS_INTRO = "利用者登録の前に、利用規約をご確認ください。"
REGISTER_AGREE = "同意します"
REGISTER_DISAGREE = "同意しない"
REGISTER_TERMS_QUESTION = "利用規約に同意して、利用者登録を進めますか？"
REGISTER_CHOOSE_METHOD = (
    "本人確認の方法を選択してください。\n"
    "・マイナンバーカード（公的個人認証）：電子証明書が搭載されたマイナンバーカードが必要です。\n"
    "・顔認証：マイナンバーカード、運転免許証、パスポート、在留カードのいずれかが必要です。"
)
REGISTER_METHOD_JPKI = "マイナンバーカード"
REGISTER_METHOD_FACE = "顔認証"
REGISTER_CHOOSE_DOCUMENT = "顔認証で使う本人確認書類を選択してください。"
REGISTER_DOCUMENTS = {
    "my_number_card": "マイナンバーカード",
    "drivers_license": "運転免許証",
    "passport": "パスポート",
    "residence_card": "在留カード",
}
REGISTER_VERIFY = "本人確認へ進む"
REGISTER_VERIFY_NOTE = (
    "下のボタンから本人確認の画面を開いてください。"
    "本人確認が終わると、このトークでお知らせします。\n"
    "（このボタンは30分間有効です。マイナンバー（個人番号）を入力することはありません。）"
)
REGISTER_VERIFIED = "本人確認が完了しました。続けて、いくつかの質問にお答えください。"
REGISTER_ASK_CATEGORY = "利用登録の区分を選択してください。"
REGISTER_CATEGORIES = {
    "ward-resident": "区内在住",
    "tokyo-resident": "都内在住",
    "tokyo-student": "都内在学",
    "tokyo-worker": "都内在勤",
}
REGISTER_ASK_CONTACT = (
    "連絡先（電話番号またはメールアドレス）を入力してください。\n（例：03-1234-5678）"
)
REGISTER_ASK_NOTICE_TITLES = (
    "予約の本の準備ができたときなどのLINEの通知に、本の書名を表示しますか？\n"
    "通知はスマートフォンのロック画面にも表示されます。"
    "「表示しない」を選ぶと「ご予約の本」と表示します。"
)
REGISTER_TITLES_SHOWN = "表示する"
REGISTER_TITLES_HIDDEN = "表示しない"
REGISTER_CONFIRMATION = "登録内容を確認してください。"
REGISTER_SUBMIT = "登録"
REGISTER_AMEND = "修正"
REGISTER_ABORT = "中止"
REGISTER_AMEND_WHICH = "修正する項目を選択してください。"
REGISTER_ABORTED = "利用者登録を中止しました。入力された内容と本人確認の結果は削除しました。"
REGISTER_DECLINED = (
    "利用規約に同意いただけない場合は、利用者登録ができません。利用者登録を中止しました。"
)
REGISTER_NO_SESSION = (
    "この利用者登録の手続きは、有効期限（24時間）が過ぎたか中止されました。\n"
    "お手数ですが、もう一度「利用者登録」からお手続きください。"
)
REGISTER_ALREADY_LINKED = (
    "このLINEアカウントは、すでに図書館の利用者とLINE連携しています。\n"
    "登録内容の確認や変更は「マイページ」からできます。"
)
REGISTER_RETRY = "もう一度本人確認する"
REGISTER_OTHER_METHOD = "本人確認の方法を選び直す"
REGISTER_ANSWER_BUTTONS = "下のボタンから選択してください。"
REGISTER_VERIFY_FAILED = {
    "rejected": (
        "本人確認ができませんでした。"
        "本人確認書類の有効期限などをご確認のうえ、もう一度お試しください。"
    ),
    "cancelled": "本人確認が中止されました。続けるには、もう一度本人確認をしてください。",
    "expired": "本人確認の有効期限が切れました。もう一度本人確認をしてください。",
    "invalid": (
        "本人確認の結果を確認できませんでした。お手数ですが、もう一度本人確認をしてください。"
    ),
    "unavailable": (
        "本人確認サービスに接続できませんでした。時間をおいて、もう一度お試しください。"
    ),
    "again": "本人確認が完了していません。もう一度本人確認をしてください。",
}
REGISTER_LABEL_NAME = "氏名"
REGISTER_LABEL_BIRTH_DATE = "生年月日"
REGISTER_LABEL_ADDRESS = "住所"
REGISTER_LABEL_IDENTITY = "本人確認"
REGISTER_LABEL_CATEGORY = "区分"
REGISTER_LABEL_CONTACT = "連絡先"
REGISTER_LABEL_NOTICE_TITLES = "通知の書名表示"


def register_identity_label(method: str, document: str | None) -> str:
    if method == "jpki":
        return "マイナンバーカード（公的個人認証）"
    return f"顔認証（{REGISTER_DOCUMENTS.get(document or '', '書類')}）"


def register_birth_date(birth_date) -> str:
    return f"{birth_date.year}年{birth_date.month}月{birth_date.day}日"


def register_done(patron_id: str, category: str) -> str:
    bring = "住所・氏名の確認ができるもの"
    if category in ("tokyo-student", "tokyo-worker"):
        bring += "のほかに、学生証・社員証等"
    return (
        "利用者登録が完了しました。\n"
        f"利用者ID：{patron_id}\n\n"
        "マイページの初期パスワードは生年月日の6桁（例：1992年5月16日生まれの方は920516）です。"
        "マイページでパスワードを変更してください。\n\n"
        "（注）利用者IDが付番されれば登録は完了しますが、図書館での初回利用時には、"
        f"窓口で住所確認が必要となります。{bring}をお持ちください（パスポートは使用できません）。"
    )


# -- マイページ, LINE連携 -------------------------------------------------------------------
MYPAGE_OPEN = "マイページを開く"
MYPAGE_LINKED = "貸出・予約の確認、LINE連携の解除、パスワードの変更ができます。"
MYPAGE_NOT_LINKED = (
    "マイページを開くと、LINEの認証画面のあと、ログインページが表示されます。"
    "利用者コードとパスワードでログインしてください。\n"
    "すでに図書館の利用者カードをお持ちの方は、「LINE連携」からこのLINEアカウントと連携できます。"
)
MYPAGE_ACCOUNT_LINK = "LINE連携"
ACCOUNT_LINK_INTRO = (
    "下のボタンからログインページを開き、利用者コードとパスワードでログインすると、"
    "このLINEアカウントと連携します。（ボタンは10分間有効です。）"
)
ACCOUNT_LINK_LOGIN = "ログインして連携する"
ACCOUNT_LINK_DONE = (
    "LINE連携が完了しました。LINEで利用者カードの表示や本の予約ができ、"
    "マイページにはLINEでログインできます。"
)
ACCOUNT_LINK_FAILED = (
    "LINE連携ができませんでした。有効期限が切れたか、すでにほかの利用者と連携しています。"
    "もう一度お試しください。"
)
ACCOUNT_LINK_ALREADY = "このLINEアカウントは、すでに図書館の利用者とLINE連携しています。"
