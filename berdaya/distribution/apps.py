from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "berdaya.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from berdaya.core.navigation import (
            NavItem,
            register_home_card,
            register_nav,
            register_person_panel,
        )
        from berdaya.core.personal_data import register_source
        from berdaya.core.retention import register_rule
        from berdaya.distribution import panels, personal_data, retention

        register_nav(
            NavItem(
                _("Distribution"),
                "distribution:index",
                "distribution.view",
                order=260,
                prefix="/penyaluran/",
            )
        )
        register_home_card(panels.home_card)
        register_person_panel(panels.person_panel)
        for source in (
            personal_data.handovers_section,
            personal_data.attendance_section,
            personal_data.photos_section,
        ):
            register_source(source)
        register_rule(retention.handover_photos_rule)
