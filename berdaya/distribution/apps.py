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
        from berdaya.allocation import decrees

        if removal_lock not in decrees.removal_locks:
            decrees.removal_locks.append(removal_lock)


def removal_lock(allocation) -> str | None:
    """Goods handed over stay with their BAST: the recipient cannot leave the decree until the
    province voids the handover (with its reason)."""
    from django.utils.translation import gettext as _

    from berdaya.distribution.models import Handover

    h = (
        Handover.objects.filter(allocation=allocation)
        .exclude(status=Handover.Status.VOIDED)
        .order_by("pk")
        .first()
    )
    if h is None:
        return None
    return _(
        "Goods were handed over to this recipient (BAST %(number)s): void the handover before "
        "removing the recipient from the decree."
    ) % {"number": h.number}
