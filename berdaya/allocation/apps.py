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
        from berdaya.intake import services as intake

        if proposal_lock not in intake.proposal_locks:
            intake.proposal_locks.append(proposal_lock)


def proposal_lock(proposal) -> str | None:
    """An approved proposal (or a member of an approved group) changes only here: before the
    decree by cancelling the approval, after it through a revision."""
    from django.db.models import Q
    from django.utils.translation import gettext as _

    from berdaya.allocation.models import Allocation

    q = Q(proposal_id=proposal.pk)
    if proposal.group_id:
        q |= Q(group_id=proposal.group_id)
    a = (
        Allocation.objects.filter(q, status=Allocation.Status.APPROVED)
        .select_related("decree")
        .first()
    )
    if a is None:
        return None
    if a.decree_id and a.decree.status == "issued":
        return _(
            "This proposal is approved in decree %(number)s: change it through a revision "
            "of the decree, with its reason."
        ) % {"number": a.decree.number or a.decree_id}
    return _(
        "This proposal is approved: the province must cancel the approval before it can "
        "be changed or withdrawn."
    )
