"""Catalogue import from the command line.

    python -m ops.catalogue import FILE [--stage local]      # into the devstack's tables
    python -m ops.catalogue import FILE --stage prod --region ap-northeast-1
    python -m ops.catalogue make-demo                        # rebuild data/catalogue/demo.tsv

Table names follow template.yaml for the given stage unless --catalogue-table and
--search-index-table name them. AWS credentials and endpoint come from the usual AWS settings
(AWS_PROFILE, AWS_ENDPOINT_URL …); `--stage local` defaults the endpoint to the devstack's moto.
Exit status: 0 when every row was imported, 1 when some were rejected, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tqdm import tqdm

from library_service.catalogue.libraries import default_libraries
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue

from ..stage import reach_stage, table_name
from .aozora import read_aozora
from .demo_copies import demo_copies
from .generic import read_generic, write_generic
from .importer import import_rows
from .rows import Parsed

ROOT = Path(__file__).resolve().parents[2]
DEMO_CATALOGUE = ROOT / "data" / "catalogue" / "demo.tsv"
AOZORA_LIST = ROOT.parent / "shared" / "data" / "aozora" / "list_person_all_utf8.csv"
# The demo catalogue: works of authors most patrons know, small enough for `make dev` to load
# in seconds on moto (the whole list takes minutes there; import it with the command above).
DEMO_AUTHORS = frozenset(
    (
        "夏目 漱石",
        "芥川 竜之介",
        "太宰 治",
        "宮沢 賢治",
        "森 鴎外",
        "樋口 一葉",
        "中島 敦",
        "梶井 基次郎",
        "江戸川 乱歩",
        "与謝野 晶子",
        "新美 南吉",
        "石川 啄木",
        "中原 中也",
        "島崎 藤村",
        "正岡 子規",
        "有島 武郎",
        "国木田 独歩",
        "二葉亭 四迷",
        "谷崎 潤一郎",
        "横光 利一",
        "小林 多喜二",
        "幸田 露伴",
        "泉 鏡花",
        "萩原 朔太郎",
        "堀 辰雄",
        "夢野 久作",
        "ドイル アーサー・コナン",
        "アンデルセン ハンス・クリスチャン",
    )
)


def in_demo(entry) -> bool:
    return any(author.name in DEMO_AUTHORS for author in entry.record.authors)


def sniff_format(path: Path) -> str:
    with path.open(encoding="utf-8-sig") as file:
        return "aozora" if "作品ID" in file.readline() else "generic"


def count_lines(path: Path) -> int:
    with path.open("rb") as file:
        return max(0, sum(1 for _ in file) - 1)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    reach_stage(args.stage)
    bind_catalogue(
        args.catalogue_table or table_name("CatalogueTable", args.stage),
        args.search_index_table or table_name("SearchIndexTable", args.stage),
        args.region,
    )
    libraries = default_libraries()
    kind = sniff_format(path) if args.format == "auto" else args.format
    if kind == "aozora":
        rows = read_aozora(
            path, (lambda rid: demo_copies(rid, libraries)) if args.demo_copies else None
        )
    else:
        rows = read_generic(path, libraries)
    with tqdm(total=count_lines(path), unit="row", disable=args.quiet, file=sys.stderr) as bar:
        summary = import_rows(rows, DynamoCatalogue(), on_progress=bar.update)
    print(summary.report())
    return 1 if summary.rejected else 0


def run_make_demo(args: argparse.Namespace) -> int:
    libraries = default_libraries()
    parsed = read_aozora(Path(args.source), lambda rid: demo_copies(rid, libraries))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = write_generic(
        (row.entry for row in parsed if isinstance(row, Parsed) and in_demo(row.entry)), out
    )
    print(f"{count} records written to {out}")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ops.catalogue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="import a catalogue file")
    load.add_argument("file")
    load.add_argument("--format", choices=["auto", "aozora", "generic"], default="auto")
    load.add_argument(
        "--demo-copies",
        action="store_true",
        help="give each Aozora work generated copies (demo data)",
    )
    load.add_argument("--stage", default="local", help="template Stage (default: local)")
    load.add_argument("--catalogue-table")
    load.add_argument("--search-index-table")
    load.add_argument("--region", default=os.environ.get("AWS_REGION", "ap-northeast-1"))
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    load.set_defaults(run=run_import)
    demo = commands.add_parser("make-demo", help="rebuild the demo catalogue from Aozora's list")
    demo.add_argument("--source", default=str(AOZORA_LIST))
    demo.add_argument("--out", default=str(DEMO_CATALOGUE))
    demo.set_defaults(run=run_make_demo)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
