from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("LKS registration")

    def ready(self) -> None:
        from cases import issuance, processes, timeline

        processes.register()
        issuance.register()
        timeline.register_actions()
