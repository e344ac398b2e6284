"""Working days of Indonesian government offices.

Weekends, national holidays and cuti bersama are not working days (lokal-id's
official calendar). Years lokal-id has no data for fall back to weekends only,
and say so in the log, rather than stopping every due date from being computed.
"""

from __future__ import annotations

import datetime as dt
import logging

import lokal

logger = logging.getLogger(__name__)


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(lokal.is_working_day(day))
    except ValueError:
        logger.warning("No holiday calendar for %s; counting weekends only", day.year)
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def count_working_days(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_working_day(current)
    return count
