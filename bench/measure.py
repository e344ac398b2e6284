"""Measure a generated nation: the staff pages against their hand-written SQL,
the long case's page, transitions, ``verify_audit`` and first-load weights.

Pages are requested in process through Django's test client (no network, no
test instrumentation), so a page's time is the server's: middleware, session,
queries, template. Each request is followed by its baseline, so that a noisy
machine slows both alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import baselines
from bench.cast import Cast, cast_find
from bench.weight import first_load
from workflow.views.tasks import task_url

REQUESTS = 200
WARM_UP = 5
CASE_REQUESTS = 50
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    user: Any
    baseline: Callable[[Cast], list[baselines.Statement]]


def _pages(cast: Cast, today: dt.date) -> list[Page]:
    return [
        Page("inbox", reverse("workflow:inbox"), cast.verifier, baselines.inbox),
        Page("queue", reverse("workflow:queue"), cast.verifier, baselines.queue),
        Page("archive", reverse("workflow:archive"), cast.verifier, baselines.archive),
        Page(
            "office", reverse("workflow:supervised"), cast.supervisor, baselines.office
        ),
        Page(
            "case_list", reverse("cases:case_list"), cast.verifier, baselines.case_list
        ),
        Page(
            "province",
            reverse("cases:province"),
            cast.province_supervisor,
            functools.partial(baselines.province, today=today),
        ),
    ]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class _DatabaseClock:
    """Milliseconds spent inside the database calls of one request."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: Any,
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def _get(client: Client, url: str, clock: _DatabaseClock | None = None) -> float:
    """Server time of one GET in milliseconds; anything but 200 is an error."""
    started = time.perf_counter()
    if clock is None:
        response = client.get(url, secure=True)
    else:
        with connection.execute_wrapper(clock):
            response = client.get(url, secure=True)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def page_measure(page: Page, cast: Cast, *, requests: int) -> dict[str, float]:
    """Median and p95 of the page and its baseline, interleaved; queries."""
    client = _client(page.user)
    statements = page.baseline(cast)
    for _ in range(WARM_UP):
        _get(client, page.url)
        baselines.baseline_run(statements)
    page_ms, sql_ms, db_ms = [], [], []
    for _ in range(requests):
        clock = _DatabaseClock()
        page_ms.append(_get(client, page.url, clock))
        db_ms.append(clock.ms)
        sql_ms.append(_timed(lambda: baselines.baseline_run(statements)))
    median, sql_median = statistics.median(page_ms), statistics.median(sql_ms)
    return {
        f"{page.name}_median_ms": round(median, 2),
        f"{page.name}_p95_ms": round(_p95(page_ms), 2),
        f"{page.name}_sql_median_ms": round(sql_median, 2),
        f"{page.name}_ratio": round(median / sql_median, 2),
        f"{page.name}_queries": _queries(client, page.url),
        # The page's own time in the database (all its queries, the session's
        # and the menu's included), against the same baseline.
        f"{page.name}_db_median_ms": round(statistics.median(db_ms), 2),
        f"{page.name}_db_ratio": round(statistics.median(db_ms) / sql_median, 2),
    }


def floor_measure(cast: Cast, *, requests: int) -> dict[str, float]:
    """The home page: what any signed-in staff page costs before its content
    (session, user, menu with its counts, base template)."""
    client = _client(cast.verifier)
    url = reverse("workflow:home")
    for _ in range(WARM_UP):
        _get(client, url)
    times = [_get(client, url) for _ in range(requests)]
    return {
        "home_median_ms": round(statistics.median(times), 2),
        "home_queries": _queries(client, url),
    }


def case_page_measure(cast: Cast, *, requests: int) -> dict[str, float]:
    """The long case's page (about 200 timeline entries): time and queries."""
    from cases.selectors import registration_timeline

    client = _client(cast.verifier)
    url = reverse("cases:case_detail", args=[cast.long_case.reference])
    for _ in range(WARM_UP):
        _get(client, url)
    times = [_get(client, url) for _ in range(requests)]
    entries = registration_timeline(registrations=[cast.long_case])
    return {
        "case_page_median_ms": round(statistics.median(times), 2),
        "case_page_p95_ms": round(_p95(times), 2),
        "case_page_queries": _queries(client, url),
        "case_page_timeline_entries": len(entries),
    }


def weights_measure(cast: Cast) -> dict[str, int]:
    """First-load bytes (gzip) of the inbox, a task page and the portal."""
    staff, operator = _client(cast.verifier), _client(cast.operator)
    return {
        "inbox_first_load_bytes": sum(
            first_load(staff, reverse("workflow:inbox")).values()
        ),
        "task_first_load_bytes": sum(first_load(staff, task_url(cast.task)).values()),
        "portal_first_load_bytes": sum(
            first_load(operator, reverse("cases:portal_dashboard")).values()
        ),
    }


def machine_describe() -> str:
    """CPU, cores, memory, and the versions that matter, in one line."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip()
                for line in info
                if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    settings = {}
    with connection.cursor() as cursor:
        for name in (
            "server_version",
            "shared_buffers",
            "fsync",
            "synchronous_commit",
            "jit",
        ):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}; PostgreSQL "
        f"{settings['server_version']} on the same machine (shared_buffers "
        f"{settings['shared_buffers']}, fsync {settings['fsync']}, synchronous_commit "
        f"{settings['synchronous_commit']}, jit "
        f"{settings['jit']} for the app); Python {platform.python_version()}, "
        f"Django {django.get_version()}"
    )


def nation_measure(
    *, requests: int = REQUESTS, transitions: int = 300, progress: Progress = print
) -> dict[str, Any]:
    """Every figure of the issue's acceptance list but ``generation_s``."""
    from bench.audit import audit_measure
    from bench.nation import row_counts
    from bench.transitions import transitions_measure

    cast = cast_find()
    today = timezone.localdate()
    progress(f"office {cast.office}, verifier {cast.verifier.username}")
    results: dict[str, Any] = {"machine": machine_describe()}
    results |= floor_measure(cast, requests=requests)
    for page in _pages(cast, today):
        results |= page_measure(page, cast, requests=requests)
        progress(_line(page.name, results))
    results |= case_page_measure(cast, requests=min(requests, CASE_REQUESTS))
    progress(f"case page: {results['case_page_median_ms']} ms median")
    results |= weights_measure(cast)
    results |= audit_measure(progress=progress)
    progress(f"verify_audit: {results['verify_audit_rows_per_s']:.0f} rows/s")
    results |= transitions_measure(count=transitions)
    progress(f"transitions: ratio {results['transition_ratio']}")
    results["rows"] = row_counts()
    return results


def _line(name: str, results: dict[str, Any]) -> str:
    return (
        f"{name}: {results[f'{name}_median_ms']} ms median, "
        f"p95 {results[f'{name}_p95_ms']} ms, SQL {results[f'{name}_sql_median_ms']}"
        f" ms, ratio {results[f'{name}_ratio']}, {results[f'{name}_queries']} queries"
    )
