from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from berdaya.accounts.scope import scoped
from berdaya.core.models import AuditEvent
from berdaya.intake.models import ProposalComment
from berdaya.verification.models import Verification


def previous_sign_in(user: Any):
    """When the user signed in before this session (the audit trail keeps every sign-in)."""
    logins = list(
        AuditEvent.objects.filter(actor=user, action="login")
        .order_by("-at")
        .values_list("at", flat=True)[:2]
    )
    return logins[1] if len(logins) > 1 else None


def changes_card(user: Any) -> dict | None:
    """What changed on the user's proposals since their previous sign-in."""
    if not user.has_capability("proposals.submit") or user.region_scope is None:
        return None
    since = previous_sign_in(user)
    verified = scoped(Verification.objects.all(), user, field="proposal__region")
    comments = scoped(ProposalComment.objects.exclude(author=user), user, field="proposal__region")
    if since is not None:
        verified = verified.filter(verified_at__gt=since)
        comments = comments.filter(created_at__gt=since)
    counts = verified.aggregate(
        total=Count("id"),
        eligible=Count("id", filter=Q(verdict="eligible")),
        ineligible=Count("id", filter=Q(verdict="ineligible")),
        review=Count("id", filter=Q(verdict="review")),
        overridden=Count("id", filter=Q(overridden=True)),
    )
    recent_comments = list(
        comments.select_related("proposal", "author").order_by("-created_at")[:5]
    )
    return {
        "template": "verification/_changes_card.html",
        "since": since,
        "counts": counts,
        "comments": recent_comments,
        "comment_count": comments.count(),
    }
