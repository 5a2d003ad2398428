"""``perfscore batch IN -o OUT``: score two long-format files (evaluations, rows) as a stream."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .exits import EXIT_EVALUATION, EXIT_OK, EXIT_USAGE

__all__ = ["add_batch", "cmd_batch"]


def add_batch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = sub.add_parser(
        "batch",
        help="score many evaluations from two long-format files (Parquet, CSV or JSON Lines)",
        description="IN is a folder with evaluations.<ext> and rows.<ext> (docs/batch.md); OUT "
        "receives evaluations.<ext> and rows.<ext>, scored. Streams: memory stays flat.",
    )
    batch.add_argument("source", metavar="IN", help="folder with evaluations.* and rows.*")
    batch.add_argument("-o", "--output", metavar="OUT", required=True, help="folder for the results")
    batch.add_argument("--format", choices=("parquet", "csv", "jsonl"), help="output format (default: IN's)")
    batch.add_argument("--ruleset", help="score every evaluation under this ruleset id or file")
    batch.add_argument("--batch-rows", type=int, default=65536, metavar="N", help="rows per record batch")
    batch.add_argument("--quiet", action="store_true", help="no progress line")


def cmd_batch(args: argparse.Namespace, rulesets: Sequence[str]) -> int:
    from ..errors import BatchInputError  # here: --help imports only the parser

    try:
        from ..batch.stream import score_folder
    except ImportError as exc:  # pragma: no cover - the batch extra is installed in tests
        print(
            f"perfscore batch 需要安装 batch 扩展 / needs the batch extra: pip install 'perfscore[batch]' ({exc})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.batch_rows < 1:
        print("perfscore batch: --batch-rows 至少为 1 / must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    ruleset = args.ruleset
    if ruleset is not None and rulesets:
        from ..rules import load_ruleset

        ruleset = load_ruleset(ruleset, paths=rulesets)
    show = not args.quiet and sys.stderr.isatty()
    done = (0, 0)
    try:
        for done in score_folder(
            args.source, args.output, ruleset=ruleset, size=args.batch_rows, kind=args.format
        ):
            if show:
                print(
                    f"\r已评分 {done[0]} 个自评表、{done[1]} 行 / scored: {done[0]} evaluations, {done[1]} rows",
                    end="",
                    file=sys.stderr,
                )
    except FileNotFoundError as exc:
        print(f"perfscore batch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BatchInputError as exc:  # an input that cannot be read at all: named, with what was expected
        if show:
            print(file=sys.stderr)
        print(f"perfscore batch: 无法读取输入 / input cannot be read: {exc}", file=sys.stderr)
        return EXIT_EVALUATION
    except ImportError as exc:  # pyarrow is imported when the first file is read
        print(f"perfscore batch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if show:
        print(file=sys.stderr)
    print(f"{done[0]} 个自评表、{done[1]} 行 / {done[0]} evaluations, {done[1]} rows → {args.output}")
    return EXIT_OK
