from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow engine")

    def ready(self) -> None:
        from workflow import audit, deadlines

        audit.connect_signals()
        deadlines.connect_signals()
