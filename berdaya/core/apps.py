from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "berdaya.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from berdaya.core.navigation import NavItem, register_nav

        register_nav(NavItem(_("Home"), "core:home", order=0, prefix="/"))
        register_nav(NavItem(_("Audit trail"), "core:audit", "audit.view", order=900))
        register_nav(
            NavItem(_("Personal data"), "core:personal_data", "personal_data.report", order=950)
        )
