"""``python -m bench generate [--small]``: fill a migrated PostgreSQL database."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="generate the synthetic nation")
    generate.add_argument(
        "--small", action="store_true", help="a hundredth of the full size"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench.generate import SCALE_FULL, SCALE_SMALL, Refused, nation_generate

    scale = SCALE_SMALL if args.small else SCALE_FULL
    try:
        report = nation_generate(scale=scale)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"generated at scale {scale} in {report.seconds:.1f} s")
    for table, count in sorted(report.rows.items()):
        print(f"  {table:50} {count:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
