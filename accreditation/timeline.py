"""The action codes of the accreditation app, labelled for the engine's timeline
(``register_actions`` is called from ``AccreditationConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow.timeline import timeline_actions

ACTIONS = {
    "instrument_load": _("National instrument loaded"),
    "instrument_create": _("Instrument created"),
    "instrument_update": _("Instrument changed"),
    "instrument_version_create": _("Instrument version drafted"),
    "instrument_version_copy": _("Instrument version drafted from the previous one"),
    "instrument_version_update": _("Instrument version settings changed"),
    "publish": _("Instrument version published"),
    "component_create": _("Component added"),
    "component_update": _("Component changed"),
    "component_delete": _("Component removed"),
    "indicator_create": _("Indicator added"),
    "indicator_update": _("Indicator changed"),
    "indicator_delete": _("Indicator removed"),
    "indicator_level_set": _("Level guidance set"),
    "indicator_level_delete": _("Level guidance removed"),
    "threshold_set": _("Grade threshold set"),
    "threshold_delete": _("Grade threshold removed"),
}


def register_actions() -> None:
    """Instrument codes are the accreditation app's own: no model scope needed
    except for ``publish``, a transition name other apps may reuse."""
    from accreditation.models import InstrumentVersion

    for code, label in ACTIONS.items():
        model = InstrumentVersion if code == "publish" else ""
        timeline_actions.register(code, label, model=model)
