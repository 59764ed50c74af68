from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "berdaya.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from berdaya.core.navigation import NavItem, register_home_card, register_nav
        from berdaya.registry.dashboard import registry_card

        register_nav(
            NavItem(
                _("People"), "registry:person_index", "registry.view", order=100, prefix="/orang/"
            )
        )
        register_nav(
            NavItem(
                _("Register (DTKS)"),
                "registry:register_search",
                "register.view",
                order=400,
                prefix="/dtks/",
            )
        )
        register_nav(
            NavItem(
                _("Institutions (LKS)"),
                "registry:institution_index",
                "institutions.view",
                order=150,
                prefix="/lks/",
            )
        )
        register_home_card(registry_card)
        from berdaya.core.personal_data import register_source
        from berdaya.registry.personal_data import person_section, register_section

        register_source(person_section)
        register_source(register_section)
        from berdaya.core.retention import register_rule
        from berdaya.registry.retention import register_left_rule

        register_rule(register_left_rule)
