"""What the My Page site says (the seed's words where it has them)."""

from __future__ import annotations

SITE_TITLE = "マイページ"
LOGIN_TITLE = "ログイン"
LOGIN_INTRO = "利用者コードとパスワードを入力し、ログインボタンをタップしてください。"
LOGIN_FOR_ACCOUNT_LINK = (
    "LINEアカウントと図書館の利用者を連携します。利用者コードとパスワードでログインしてください。"
)
LOGIN_NOT_LINKED = (
    "このLINEアカウントは、まだ図書館の利用者とLINE連携されていません。"
    "利用者コードとパスワードでログインしてください。"
)
LOGIN_LINE_FAILED = "LINEでのログインができませんでした。もう一度お試しください。"
LOGIN_PASSWORD_HINT = (
    "初期パスワードは生年月日（西暦）の先頭2桁を除いた数字6桁です。"
    "（例）1992年5月16日生まれ ⇒ 920516"
)
LOGGED_OUT = "ログアウトしました。"
EXPIRED_FORM = "画面の有効期限が切れました。お手数ですが、もう一度操作してください。"

INITIAL_PASSWORD_WARNING = (
    "パスワードが初期パスワード（生年月日6桁）のままです。パスワードを変更してください。"
)
STATUS = {
    "provisional": "仮登録（初回来館時に窓口で住所確認が必要です）",
    "active": "利用できます",
    "suspended": "利用停止中（図書館にお問い合わせください）",
}
LINKED = "連携済み"
NOT_LINKED = "未連携"

LINK_TITLE = "LINE連携"
LINK_INTRO = (
    "LINE連携すると、LINEで利用者カードの表示や本の予約ができ、"
    "マイページにLINEでログインできるようになります。"
)
LINK_DONE = "LINE連携が完了しました。次回からはLINEでログインできます。"
LINK_TAKEN = "このLINEアカウントは、別の利用者とすでに連携しています。"
LINK_ALREADY = (
    "この利用者は、別のLINEアカウントとすでに連携しています。先に連携を解除してください。"
)
UNLINK_TITLE = "LINE連携解除"
UNLINK_QUESTION = (
    "LINE連携を解除すると、LINEでログインできなくなり、利用者コードとパスワードの入力が"
    "必要になります。解除しますか？"
)
UNLINK_DONE = "LINE連携を解除しました。"

PASSWORD_TITLE = "パスワード変更"
PASSWORD_RULE = "パスワードとして登録できるのは、6桁以上12桁以下の英数字です。"
PASSWORD_CHANGED = "パスワードを変更しました。ほかの端末のログインは終了しました。"

HOLD_CANCELLED = "予約を取り消しました。"
HOLD_NOT_CANCELLABLE = "この予約は取り消せません。受取館にお問い合わせください。"
RENEWED = "貸出を延長しました。新しい返却期限は{due}です。"

NOT_FOUND = "ページが見つかりません。"
TRY_AGAIN = "混み合っているため処理できませんでした。もう一度お試しください。"
