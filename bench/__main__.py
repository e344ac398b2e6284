"""``python -m bench``: generate a synthetic nation, measure it, or both.

    python -m bench generate [--small]       fill a migrated PostgreSQL database
    python -m bench measure [--out FILE]     measure the nation already there
    python -m bench run [--small] [--out FILE]   both, in one go

``run`` and ``measure`` write the results as JSON (default
``bench/results.json``; ``bench/results-small.json`` with ``--small``) and
print them as a table.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("generate", "generate the synthetic nation"),
        ("measure", "measure the nation in the database"),
        ("run", "generate, then measure"),
    ]:
        command = commands.add_parser(name, help=text)
        command.add_argument(
            "--small", action="store_true", help="a hundredth of the full size"
        )
        if name != "generate":
            command.add_argument("--out", type=Path, help="where to write the JSON")
            command.add_argument(
                "--requests", type=int, default=200, help="requests per page"
            )
            command.add_argument(
                "--transitions", type=int, default=300, help="transitions timed"
            )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The test client's host; the pages are requested in process.
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from bench.nation import SCALE_FULL, SCALE_SMALL, Refused, nation_generate

    generation_s = None
    if args.command in ("generate", "run"):
        scale = SCALE_SMALL if args.small else SCALE_FULL
        try:
            report = nation_generate(scale=scale)
        except Refused as exc:
            print(exc, file=sys.stderr)
            return 2
        generation_s = round(report.seconds, 1)
        print(f"generated at scale {scale} in {report.seconds:.1f} s", flush=True)
        for table, count in sorted(report.rows.items()):
            print(f"  {table:50} {count:>10}")
    if args.command in ("measure", "run"):
        _measure(args, generation_s)
    return 0


def _measure(args: argparse.Namespace, generation_s: float | None) -> None:
    from bench.measure import nation_measure
    from bench.report import results_table, results_write

    results = nation_measure(
        requests=args.requests,
        transitions=args.transitions,
        progress=lambda line: print(line, flush=True),
    )
    results["generation_s"] = generation_s
    out = args.out or HERE / ("results-small.json" if args.small else "results.json")
    results_write(results, out)
    print(results_table(results))
    print(f"written to {out}")


if __name__ == "__main__":
    sys.exit(main())
