from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "berdaya.regions"
    label = "regions"
    verbose_name = "Regions"

    def ready(self) -> None:
        from berdaya.core.navigation import NavItem, register_nav

        register_nav(NavItem(_("Regions"), "regions:index", "regions.view", order=800))
