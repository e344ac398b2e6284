"""Read-only admin views of cases; state changes go through the services."""

from __future__ import annotations

from django.contrib import admin

from cases.models import Lks, Registration, RegistrationCertificate
from workflow.admin import ReadOnlyAdmin


@admin.register(Lks)
class LksAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "scope", "has_legal_entity"]
    search_fields = ["name"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["lks", "kind", "state", "office", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["lks__name", "reference"]


@admin.register(RegistrationCertificate)
class RegistrationCertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "lks", "office", "state", "issued_on", "valid_until"]
    list_filter = ["state"]
    search_fields = ["number", "lks__name"]
