"""The generator writes PostgreSQL's COPY: on SQLite it refuses, and says why."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.nation import Refused, nation_generate


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
@pytest.mark.django_db
def test_the_generator_refuses_sqlite() -> None:
    with pytest.raises(Refused, match="PostgreSQL"):
        nation_generate(scale=0.001)
