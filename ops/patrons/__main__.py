"""Patron records from the command line: counter registration and support tools.

    python -m ops.patrons register --name "渋谷 花子" --birth-date 1992-05-16 --contact 03-1234-5678
    python -m ops.patrons register ... --active          # address already checked at the counter
    python -m ops.patrons show PATRON_ID                 # or a LINE user ID: whose is it?
    python -m ops.patrons link PATRON_ID LINE_USER_ID
    python -m ops.patrons unlink PATRON_ID

Every command takes --stage (default local: the devstack's moto, unless AWS_ENDPOINT_URL is
set), --region and --patrons-table; the table name otherwise follows template.yaml for the
stage. Patrons link LINE themselves on My Page; link and unlink are for support.
Exit status: 0 done, 1 refused (no such patron, already linked) or DynamoDB unreachable,
2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime

from pynamodb.exceptions import PynamoDBException

from library_service.line.ids import is_line_user_id
from library_service.patrons import (
    AlreadyLinked,
    InvalidPatronDetails,
    LineUserAlreadyLinked,
    Patron,
    PatronStatus,
    UnknownPatron,
    is_valid_patron_id,
)
from library_service.patrons.registration import (
    JAPAN,
    check_birth_date,
    check_contact,
    check_name,
)
from library_service.storage.patrons import DynamoPatrons, bind_patrons

from ..stage import reach_stage, table_name

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def directory(args: argparse.Namespace) -> DynamoPatrons:
    reach_stage(args.stage)
    bind_patrons(args.patrons_table or table_name("PatronsTable", args.stage), args.region)
    return DynamoPatrons()


# -- argument types: a bad value ends the command with status 2 and the reason -------------
def _checked(check: Callable[[str], str]) -> Callable[[str], str]:
    def argument(text: str) -> str:
        try:
            return check(text)
        except InvalidPatronDetails as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return argument


def birth_date(text: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        value = date.fromisoformat(text)
        return check_birth_date(value, datetime.now(JAPAN).date())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of birth as YYYY-MM-DD") from None


def patron_id(text: str) -> str:
    text = text.strip()
    if not is_valid_patron_id(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a patron ID (10 digits, check digit)")
    return text


def line_user_id(text: str) -> str:
    text = text.strip()
    if not is_line_user_id(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a LINE user ID ('U' + 32 hex digits)")
    return text


def patron_or_line_user(text: str) -> str:
    text = text.strip()
    if not (is_valid_patron_id(text) or is_line_user_id(text)):
        raise argparse.ArgumentTypeError(f"{text!r} is neither a patron ID nor a LINE user ID")
    return text


# -- commands ------------------------------------------------------------------------------
def describe(patron: Patron) -> str:
    """Everything staff may see about a patron, except the password hash."""
    password = (
        "initial (date of birth as YYMMDD)" if patron.password_is_initial else "changed by patron"
    )
    rows = [
        ("patron ID", patron.patron_id),
        ("name", patron.name),
        ("birth date", patron.birth_date.isoformat()),
        ("contact", patron.contact),
        ("status", patron.status.value),
        ("LINE", patron.line_user_id or "not linked"),
        ("password", password),
        ("registered", f"{patron.registered_at.astimezone(JAPAN):%Y-%m-%d %H:%M} JST"),
        ("registered via", patron.registered_via),
    ]
    return "\n".join(f"{label + ':':<15}{value}" for label, value in rows)


def run_register(args: argparse.Namespace) -> int:
    status = PatronStatus.ACTIVE if args.active else PatronStatus.PROVISIONAL
    patron = directory(args).register(args.name, args.birth_date, args.contact, status=status)
    print(f"registered patron {patron.patron_id} ({patron.status.value})")
    print("初期パスワード: 生年月日6桁 (YYMMDD)")
    return 0


def run_show(args: argparse.Namespace) -> int:
    patrons = directory(args)
    if is_line_user_id(args.id):
        patron = patrons.by_line_user(args.id)
        missing = f"no patron is linked to LINE user {args.id}"
    else:
        patron = patrons.get(args.id)
        missing = f"no patron {args.id}"
    if patron is None:
        print(missing, file=sys.stderr)
        return 1
    print(describe(patron))
    return 0


def run_link(args: argparse.Namespace) -> int:
    patron = directory(args).link_line(args.patron_id, args.line_user_id)
    print(f"patron {patron.patron_id} is linked to LINE user {patron.line_user_id}")
    return 0


def run_unlink(args: argparse.Namespace) -> int:
    patron = directory(args).unlink_line(args.patron_id)
    print(f"patron {patron.patron_id} is not linked to LINE")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--stage", default="local", help="template Stage (default: local)")
    common.add_argument("--patrons-table", help="table name (default: from template.yaml)")
    common.add_argument("--region", default=os.environ.get("AWS_REGION", "ap-northeast-1"))
    parser = argparse.ArgumentParser(
        prog="python -m ops.patrons",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    register = commands.add_parser("register", parents=[common], help="register at the counter")
    register.add_argument("--name", required=True, type=_checked(check_name))
    register.add_argument("--birth-date", required=True, type=birth_date, metavar="YYYY-MM-DD")
    register.add_argument(
        "--contact", required=True, type=_checked(check_contact), help="phone number or e-mail"
    )
    register.add_argument(
        "--active", action="store_true", help="address checked now (default: provisional)"
    )
    register.set_defaults(run=run_register)

    show = commands.add_parser("show", parents=[common], help="show a patron")
    show.add_argument("id", type=patron_or_line_user, metavar="PATRON_ID|LINE_USER_ID")
    show.set_defaults(run=run_show)

    link = commands.add_parser("link", parents=[common], help="link a patron to a LINE user")
    link.add_argument("patron_id", type=patron_id)
    link.add_argument("line_user_id", type=line_user_id)
    link.set_defaults(run=run_link)

    unlink = commands.add_parser("unlink", parents=[common], help="remove a patron's LINE link")
    unlink.add_argument("patron_id", type=patron_id)
    unlink.set_defaults(run=run_unlink)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return args.run(args)
    except UnknownPatron as error:
        print(f"no patron {error.patron_id}", file=sys.stderr)
    except AlreadyLinked as error:
        print(_refusal(error), file=sys.stderr)
    except PynamoDBException as error:
        hint = " (is the devstack running? make dev)" if args.stage == "local" else ""
        print(f"DynamoDB: {error}{hint}", file=sys.stderr)
    return 1


def _refusal(error: AlreadyLinked) -> str:
    if isinstance(error, LineUserAlreadyLinked):
        return f"LINE user {error.line_user_id} is already linked to another patron"
    return (
        f"patron {error.patron_id} is already linked to another LINE user; "
        "unlink it first to link a new one"
    )


if __name__ == "__main__":
    sys.exit(main())
