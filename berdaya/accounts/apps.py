from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "berdaya.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from berdaya.accounts import signals  # noqa: F401
        from berdaya.core.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                _("Users"), "accounts:user_list", "users.manage", order=950, prefix="/pengguna/"
            )
        )
