"""URLs of the cases app: the LKS portal, staff case pages, certificate PDFs."""

from __future__ import annotations

from cases.views import certificates, files, portal, staff

app_name = "cases"

urlpatterns = [
    *portal.urlpatterns,
    *staff.urlpatterns,
    *certificates.urlpatterns,
    *files.urlpatterns,
]
