"""What verification adds to a person's page: the proposals for that NIK and their verdicts."""

from __future__ import annotations

from typing import Any

from berdaya.intake.selectors import proposals_visible


def proposals_panel(user: Any, person: Any) -> dict | None:
    if not user.has_capability("proposals.view"):
        return None
    proposals = list(
        proposals_visible(user)
        .filter(nik=person.nik)
        .select_related("verification")
        .order_by("-program_year__year", "-submitted_at")[:20]
    )
    if not proposals:
        return None
    return {"template": "verification/_person_panel.html", "proposals": proposals}
