"""What monitoring adds to the rest of Berdaya, registered from MonitoringConfig.ready():
menu entries, the receiver on distribution's Handover, the home card and the person panel,
the data-subject report's sections and the retention rule.

The dashboards' "monitored" stage and the outcome figures are found by reports itself in
berdaya/monitoring/stages.py (reports sits below monitoring in the import order, so
monitoring never imports it).
"""

from __future__ import annotations


def register() -> None:
    from django.db.models.signals import post_save
    from django.utils.translation import gettext_lazy as _

    from berdaya.core.navigation import (
        NavItem,
        register_home_card,
        register_nav,
        register_person_panel,
    )
    from berdaya.core.personal_data import register_source
    from berdaya.core.retention import register_rule
    from berdaya.distribution.models import Handover, UnitPackage
    from berdaya.monitoring import panels, personal_data, retention
    from berdaya.monitoring.scheduling import handover_saved

    register_nav(
        NavItem(
            _("Monitoring"),
            "monitoring:index",
            "monitoring.view",
            order=280,
            prefix="/pemantauan/",
        )
    )
    # Partner agencies have no other menu: their referrals are their page.
    register_nav(
        NavItem(
            _("Referrals"),
            "monitoring:referrals",
            "referrals.respond",
            order=790,
            prefix="/pemantauan/rujukan/",
        )
    )
    post_save.connect(handover_saved, sender=Handover, dispatch_uid="monitoring-handover")
    # Voiding a handover updates its row without saving it, but saves the unit's package:
    # listening there too reschedules a unit at once when its handover is voided.
    post_save.connect(handover_saved, sender=UnitPackage, dispatch_uid="monitoring-package")
    register_home_card(panels.home_card)
    register_person_panel(panels.person_panel)
    for source in (
        personal_data.visits_section,
        personal_data.referrals_section,
        personal_data.exhibitions_section,
        personal_data.photos_section,
    ):
        register_source(source)
    register_rule(retention.visit_photos_rule)
    register_rule(retention.referral_contacts_rule)
