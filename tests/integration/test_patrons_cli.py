"""`python -m ops.patrons` against the template's PatronsTable on moto."""

from __future__ import annotations

import re

import pytest

from library_service.patrons import is_valid_patron_id, new_patron_id
from library_service.storage.patrons import PatronItem, bind_patrons
from ops.patrons.__main__ import main
from ops.stage import table_name

LINE_USER = "U" + "0123456789abcdef" * 2


@pytest.fixture
def cli(stack, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        status = main([*argv, "--stage", "test", "--region", stack.region])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def register(cli, *extra: str) -> str:
    status, out, _ = cli(
        "register",
        "--name",
        "渋谷 花子",
        "--birth-date",
        "1992-05-16",
        "--contact",
        "０３－１２３４－５６７８",
        *extra,
    )
    assert status == 0
    (patron_id,) = re.findall(r"registered patron (\d+)", out)
    assert is_valid_patron_id(patron_id)
    assert "初期パスワード: 生年月日6桁 (YYMMDD)" in out and "920516" not in out
    return patron_id


def test_register_link_show_and_unlink(cli):
    patron_id = register(cli)
    status, out, _ = cli("show", patron_id)
    assert status == 0
    assert "渋谷 花子" in out and "1992-05-16" in out and "03-1234-5678" in out
    assert "provisional" in out and "not linked" in out and "initial" in out
    assert "scrypt" not in out and PatronItem.get(patron_id).password_hash not in out

    status, out, _ = cli("link", patron_id, LINE_USER)
    assert (status, out) == (0, f"patron {patron_id} is linked to LINE user {LINE_USER}\n")
    status, out, _ = cli("show", LINE_USER)
    assert status == 0 and f"patron ID:     {patron_id}" in out and LINE_USER in out
    assert cli("link", patron_id, LINE_USER)[0] == 0  # the same pair again is fine

    status, out, _ = cli("unlink", patron_id)
    assert (status, out) == (0, f"patron {patron_id} is not linked to LINE\n")
    assert "not linked" in cli("show", patron_id)[1]
    assert cli("show", LINE_USER)[0] == 1


def test_active_registration_and_refusals(cli):
    first, second = register(cli, "--active"), register(cli)
    assert "status:        active" in cli("show", first)[1]
    cli("link", first, LINE_USER)
    status, _, err = cli("link", second, LINE_USER)
    assert status == 1 and "already linked to another patron" in err
    status, _, err = cli("link", first, "U" + "f" * 32)
    assert status == 1 and "unlink it first" in err
    missing = new_patron_id(999_999_999)
    for command in (("show", missing), ("link", missing, LINE_USER), ("unlink", missing)):
        status, _, err = cli(*command)
        assert status == 1 and f"no patron {missing}" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["register", "--name", "花子", "--birth-date", "1992/05/16", "--contact", "03-1234-5678"],
        ["register", "--name", "花子", "--birth-date", "1992-02-30", "--contact", "03-1234-5678"],
        ["register", "--name", "花子", "--birth-date", "2999-01-01", "--contact", "03-1234-5678"],
        ["register", "--name", "花子", "--birth-date", "19920516", "--contact", "03-1234-5678"],
        ["register", "--name", "花子", "--birth-date", "1992-05-16", "--contact", "call me"],
        ["register", "--name", " ", "--birth-date", "1992-05-16", "--contact", "03-1234-5678"],
        ["show", "1234567891"],  # check digit wrong
        ["link", "1234567897", "U1234"],
        ["unlink", "line#" + LINE_USER],
    ],
)
def test_bad_arguments_exit_with_status_2_and_the_reason(argv, stack, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--stage", "test", "--region", stack.region])
    assert exit_.value.code == 2
    assert "error:" in capsys.readouterr().err
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    assert list(PatronItem.scan()) == []


def test_table_names_follow_the_template():
    assert table_name("PatronsTable", "prod") == "library-line-patrons-prod"
    assert table_name("CatalogueTable", "local") == "library-line-catalogue-local"
