from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "berdaya.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from berdaya.core.navigation import NavItem, register_home_card, register_nav
        from berdaya.reports.dashboard import dashboard_card

        register_nav(
            NavItem(
                _("Dashboard"), "reports:dashboard", "reports.view", order=50, prefix="/dasbor/"
            )
        )
        register_home_card(dashboard_card)
