from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "berdaya.allocation"
    label = "allocation"
    verbose_name = "Allocation"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from berdaya.allocation.dashboard import allocation_card
        from berdaya.allocation.panels import allocations_panel
        from berdaya.core.navigation import (
            NavItem,
            register_home_card,
            register_nav,
            register_person_panel,
        )

        register_nav(
            NavItem(
                _("Decision"),
                "allocation:index",
                "allocation.view",
                order=250,
                prefix="/penetapan/",
            )
        )
        register_home_card(allocation_card)
        register_person_panel(allocations_panel)
