"""マイページ: the patrons' web site (login, LINE連携, loans, holds, password).

`site.MyPage` takes a `http.Request` and returns a `http.Response`; the handler turns API
Gateway's events into those, so every page can be tested without AWS.
"""
