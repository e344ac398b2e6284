"""The action codes of the cases app, labelled for the engine's timeline.

History rows store only these codes (transition names and service codes);
``register_actions`` (called from ``CasesConfig.ready``) gives each its label,
translated when a timeline is read.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import BoardMember, Lks, Registration, RegistrationCertificate
from workflow.timeline import timeline_actions

_CERTIFICATE_ISSUED = _("Tanda Registrasi issued")
_CERTIFICATE_EXPIRED = _("Tanda Registrasi expired")
_CERTIFICATE_SUPERSEDED = _("Tanda Registrasi superseded by renewal")

ACTIONS: dict[type[models.Model], dict[str, str | Promise]] = {
    Registration: {
        "registration_create": _("Case opened"),
        "submit": _("File submitted"),
        "start_verification": _("File received for verification"),
        "request_revision": _("Revision requested"),
        "verify": _("File verified"),
        "approve": _("Approved"),
        "issue_certificate": _("Tanda Registrasi signed"),
        "reject": _("Registration rejected"),
        "withdraw": _("Case withdrawn"),
    },
    RegistrationCertificate: {
        "issue": _CERTIFICATE_ISSUED,
        "expire": _CERTIFICATE_EXPIRED,
        "suspend": _("Tanda Registrasi suspended"),
        "reinstate": _("Tanda Registrasi reinstated"),
        "revoke": _("Tanda Registrasi revoked"),
        "supersede": _CERTIFICATE_SUPERSEDED,
        # Codes once written as the reason: read as what they are, not as text.
        "certificate_issue": _CERTIFICATE_ISSUED,
        "certificate_expire_due": _CERTIFICATE_EXPIRED,
        "certificate_renewed": _CERTIFICATE_SUPERSEDED,
    },
    Lks: {
        "lks_register": _("LKS registered"),
        "lks_profile_update": _("LKS profile changed"),
    },
    BoardMember: {
        "board_member_add": _("Board member added"),
        "board_member_update": _("Board member changed"),
        "board_member_remove": _("Board member removed"),
    },
}


def register_actions() -> None:
    for model, actions in ACTIONS.items():
        for code, label in actions.items():
            timeline_actions.register(code, label, model=model)
