"""Static files without viewflow's frontend.

viewflow is our engine, not our frontend: none of its CSS, JS, fonts or
vis-network is served or collected (its npm leftovers would also break the
manifest storage's ``collectstatic``).
"""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class PilarStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "viewflow/*",
    ]
