"""URLs of the cases app: the LKS portal, staff case pages and the public check."""

from __future__ import annotations

from cases.views import portal, public, staff

app_name = "cases"

urlpatterns = [*portal.urlpatterns, *staff.urlpatterns, *public.urlpatterns]
