"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.site import site
from workflow.views import home

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("akun/", include("allauth.urls")),
    path("staf/", site.urls),
    # Names viewflow's staff frontend links to.
    path("profil/", home, name="profile"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cases.urls")),
    path("", include("workflow.urls")),
]
