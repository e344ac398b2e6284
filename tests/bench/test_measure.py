"""``make bench`` measures what issue 8 asks, on a tiny nation: every key of
``bench/results.json`` is there, as a number, and the table prints. No timing
is asserted here (speed targets live in ``make bench``); query counts are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench.measure import nation_measure
from bench.nation import nation_generate
from bench.report import PAGES, results_table, results_write

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="bulk COPY needs PostgreSQL"
    ),
]

PAGE_KEYS = ("median_ms", "p95_ms", "sql_median_ms", "ratio", "queries")
NUMBERS = (
    "transitions_per_s",
    "baseline_writes_per_s",
    "transition_ratio",
    "verify_audit_rows_per_s",
    "inbox_first_load_bytes",
    "task_first_load_bytes",
    "portal_first_load_bytes",
    "case_page_median_ms",
    "case_page_queries",
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bench_reports_every_figure_of_the_issue(tmp_path: Path) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    report = nation_generate(scale=0.002)

    results = nation_measure(requests=3, transitions=6, progress=lambda _: None)
    results["generation_s"] = report.seconds
    out = tmp_path / "results.json"
    results_write(results, out)

    written = json.loads(out.read_text())
    for page in PAGES:
        for key in PAGE_KEYS:
            value = written[f"{page}_{key}"]
            assert isinstance(value, int | float) and value > 0, (page, key)
        # Constant in the number of rows, and within the issue's budget.
        assert written[f"{page}_queries"] <= 12, page
    for key in NUMBERS:
        assert isinstance(written[key], int | float) and written[key] > 0, key
    assert written["verify_audit_problems"] == 0
    assert written["case_page_timeline_entries"] >= 200
    assert written["rows"]["cases_registration"] == 400
    assert isinstance(written["machine"], str) and "PostgreSQL" in written["machine"]
    assert "verify_audit" in results_table(written)
