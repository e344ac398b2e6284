"""Static files without viewflow's build leftovers.

viewflow ships its npm ``node_modules`` trees (a roboto-fontface CSS there points
at font files that are not shipped, which makes the manifest storage's
``collectstatic`` fail) and the 22 MB Dash bundle of viewflow.contrib, which we
do not use. No template of ours or of viewflow loads either.
"""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class PilarStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "viewflow/*node_modules*",
        "viewflow/js/contrib/dash/*",
    ]
