"""``bench/results.json`` and the table printed beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAGES = ("inbox", "queue", "archive", "office", "case_list", "province")
PAGE_TARGET = "median <= 2x SQL, p95 < 150 ms, <= 12 queries"


def results_write(results: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def results_table(results: dict[str, Any]) -> str:
    """The figures against the issue's targets, as a fixed-width table."""
    lines = [
        f"{'page':12} {'median':>9} {'p95':>9} {'SQL':>9} {'ratio':>6} {'queries':>8}"
        f" {'in DB':>9} {'DB ratio':>8}   target: {PAGE_TARGET}"
    ]
    for page in PAGES:
        if f"{page}_median_ms" not in results:
            continue
        lines.append(
            f"{page:12} {results[f'{page}_median_ms']:>6.1f} ms"
            f" {results[f'{page}_p95_ms']:>6.1f} ms"
            f" {results[f'{page}_sql_median_ms']:>6.1f} ms"
            f" {results[f'{page}_ratio']:>6.2f} {results[f'{page}_queries']:>8}"
            f" {results[f'{page}_db_median_ms']:>6.1f} ms"
            f" {results[f'{page}_db_ratio']:>8.2f}"
        )
    lines += [
        f"home page (session, user, menu; no list): {results['home_median_ms']:.1f}"
        f" ms median, {results['home_queries']} queries",
        "",
        f"case page ({results['case_page_timeline_entries']} timeline entries):"
        f" {results['case_page_median_ms']:.1f} ms median,"
        f" {results['case_page_p95_ms']:.1f} ms p95,"
        f" {results['case_page_queries']} queries",
        f"transitions: {results['transitions_per_s']:.0f}/s against"
        f" {results['baseline_writes_per_s']:.0f}/s bare writes:"
        f" ratio {results['transition_ratio']:.2f} (target <= 3),"
        f" {results['transition_queries']} queries each",
        f"verify_audit: {results['verify_audit_rows_per_s']:.0f} rows/s"
        f" (floor {results['verify_audit_floor_rows_per_s']:.0f} rows/s) over"
        f" {results['verify_audit_rows']} rows (target: 5,000,000 in < 180 s)",
        "first load (gzip): "
        + ", ".join(
            f"{name} {results[f'{name}_first_load_bytes'] / 1024:.1f} KB"
            for name in ("inbox", "task", "portal")
        )
        + " (budgets 60 / 80 / 30 KB)",
        (
            f"generated in {results['generation_s']:.0f} s"
            if results.get("generation_s") is not None
            else "generated earlier (not timed in this run)"
        )
        + f"; machine: {results['machine']}",
    ]
    return "\n".join(lines)
