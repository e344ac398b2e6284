"""First-load weight of a page: its HTML plus every stylesheet, script and font
it references, each gzipped, as a browser with an empty cache fetches them.

Budgets (DESIGN.md §8): staff inbox 60 KB, task page 80 KB, portal 30 KB. The
test suite asserts them (tests/workflow/test_page_weight.py); ``make bench``
reports them on the synthetic nation.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

KB = 1024
ASSET = re.compile(r'(?:href|src)="(?P<url>[^"]+\.(?:css|js|woff2?|ttf|png|svg))"')
CSS_URL = re.compile(r"url\(['\"]?(?P<url>[^'\")]+)['\"]?\)")


class WeightError(AssertionError):
    """The page or one of its assets is not what a first load may fetch."""


def _static(url: str) -> bytes:
    prefix = settings.STATIC_URL or "/static/"
    if prefix not in url:
        raise WeightError(f"{url} is not one of our own static files")
    name = url.split(prefix, 1)[1]
    found = finders.find(name)
    if found:
        return Path(str(found)).read_bytes()
    if staticfiles_storage.exists(name):  # a collected, hashed name
        with staticfiles_storage.open(name) as collected:
            return bytes(collected.read())
    raise WeightError(f"{url} is referenced but does not exist")


def first_load(client: Client, url: str) -> dict[str, int]:
    """Bytes on the wire (gzip) of a page and everything it loads, by URL."""
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise WeightError(f"{url} answered {response.status_code}")
    html = response.content
    sizes = {url: len(gzip.compress(html))}
    for match in ASSET.finditer(html.decode()):
        asset = match["url"]
        body = _static(asset)
        sizes[asset] = len(gzip.compress(body))
        if asset.endswith(".css"):
            for inner in CSS_URL.finditer(body.decode()):
                if not inner["url"].startswith("data:"):
                    raise WeightError(f"{asset} loads {inner['url']}")
    if any("viewflow" in name for name in sizes):
        raise WeightError(f"viewflow's frontend is loaded: {sizes}")
    return sizes
