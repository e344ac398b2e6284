"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Only the allauth pages we use; sign-in itself is /masuk/ (workflow:login).
    path("akun/", include("workflow.account_urls")),
    path("", include("cases.urls")),
    path("", include("workflow.urls")),
]
