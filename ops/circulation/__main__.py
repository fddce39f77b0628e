"""The circulation desk from the command line, against the devstack or a deployed stack.

    python -m ops.circulation check-in BARCODE --at LIBRARY     # returns, and traps holds
    python -m ops.circulation arrive BARCODE --at LIBRARY       # a copy in transit arrives
    python -m ops.circulation check-out BARCODE --patron ID     # lends; collects a ready hold
    python -m ops.circulation expire                            # the daily expiry, now

Library IDs are those of libraries.toml (central, yoyogi, …). `--stage` (default local) picks
template.yaml's table and bus names; `local` reaches the devstack's moto. Prints the outcome
as JSON; exit status 1 when the desk refuses (the reason is printed), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

from library_service.config import Settings
from library_service.holds.circulation import DeskError
from library_service.holds.desk_json import outcome_json
from library_service.wiring import build_circulation_desk

from ..stage import reach_stage, resource_name, table_name


def settings_for(stage: str, region: str) -> Settings:
    return dataclasses.replace(
        Settings.from_environment({}),
        region=region,
        catalogue_table=table_name("CatalogueTable", stage),
        search_index_table=table_name("SearchIndexTable", stage),
        holds_table=table_name("HoldsTable", stage),
        loans_table=table_name("LoansTable", stage),
        events_bus_name=resource_name("LibraryEventBus", stage, "Name"),
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ops.circulation",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stage", default="local")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "ap-northeast-1"))
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("check-in", "arrive"):
        command = commands.add_parser(name)
        command.add_argument("barcode")
        command.add_argument("--at", required=True, help="library ID, e.g. central")
    check_out = commands.add_parser("check-out")
    check_out.add_argument("barcode")
    check_out.add_argument("--patron", required=True, help="patron ID (利用者コード)")
    commands.add_parser("expire")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    reach_stage(args.stage)
    desk = build_circulation_desk(settings_for(args.stage, args.region))
    try:
        if args.command == "check-in":
            outcomes = [desk.check_in(args.barcode, args.at)]
        elif args.command == "arrive":
            outcomes = [desk.arrive(args.barcode, args.at)]
        elif args.command == "check-out":
            outcomes = [desk.check_out(args.barcode, args.patron)]
        else:
            outcomes = desk.expire_uncollected()
    except DeskError as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 1
    for outcome in outcomes:
        print(json.dumps(outcome_json(outcome), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
