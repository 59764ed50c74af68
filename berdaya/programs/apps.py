from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "berdaya.programs"
    label = "programs"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from berdaya.core.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                _("Programmes"), "programs:list", "programs.view", order=300, prefix="/program/"
            )
        )
        from berdaya.core.personal_data import register_source
        from berdaya.programs.personal_data import recipients_section

        register_source(recipients_section)
