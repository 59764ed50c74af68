"""Objections (sanggahan) to an issued decree: recorded, reviewed, answered.

An upheld objection opens (or joins) the revision of the decree, with the change it asks for
where the person is known: the reported recipient removed, or the person left out added when
they are eligible now. The objection is resolved when the head of office signs that revision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.accounts.scope import require, require_region
from berdaya.allocation.decrees import _revision_open, decree_change
from berdaya.allocation.models import Decree, DecreeChange, DecreeEntry, Objection
from berdaya.core.audit import audit_record

# The one transition table of an objection.
TRANSITIONS = {
    Objection.Status.RECEIVED: {
        Objection.Status.IN_REVIEW,
        Objection.Status.UPHELD,
        Objection.Status.REJECTED,
    },
    Objection.Status.IN_REVIEW: {Objection.Status.UPHELD, Objection.Status.REJECTED},
    Objection.Status.UPHELD: {Objection.Status.RESOLVED},
}


def _move(objection: Objection, new: str, **fields: Any) -> None:
    """Apply a transition with a conditional update, so that two reviewers cannot both win."""
    old = objection.status
    if new not in TRANSITIONS.get(old, set()):
        raise ValidationError(
            _("This objection is %(status)s: it cannot become %(new)s.")
            % {"status": objection.get_status_display(), "new": Objection.Status(new).label}
        )
    rows = Objection.objects.filter(pk=objection.pk, status=old).update(status=new, **fields)
    if rows != 1:
        raise ValidationError(_("Someone else answered this objection meanwhile. Reload the page."))
    objection.status = new
    for k, v in fields.items():
        setattr(objection, k, v)


@transaction.atomic
def objection_record(
    *,
    actor: Any,
    decree: Decree,
    kind: str,
    complainant_name: str,
    description: str,
    received_on: dt.date | None = None,
    complainant_contact: str = "",
    subject_name: str = "",
    entry_id: int | None = None,
    proposal_uid: Any = None,
) -> Objection:
    require(actor, "objection.record")
    require_region(actor, decree.region_id)
    if decree.status != Decree.Status.ISSUED:
        raise ValidationError(_("Objections are recorded against the decree in force."))
    errors = {}
    if kind not in Objection.Kind.values:
        errors["kind"] = _("Choose the kind of objection.")
    if not (complainant_name or "").strip():
        errors["complainant_name"] = _("Write who raised the objection.")
    if len((description or "").strip()) < 10:
        errors["description"] = _("Describe the objection (at least 10 characters).")
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        errors["received_on"] = _("The date received cannot be in the future.")
    if decree.issued_at and received_on < timezone.localtime(decree.issued_at).date():
        errors["received_on"] = _("The decree was issued after this date.")
    entry = proposal = None
    if entry_id:
        entry = DecreeEntry.objects.filter(
            pk=entry_id, decree=decree, kind=DecreeEntry.Kind.RECIPIENT
        ).first()
        if entry is None:
            errors["entry"] = _("Choose a recipient of this decree.")
    if proposal_uid:
        from berdaya.intake.models import Proposal

        try:
            proposal = Proposal.objects.filter(
                uid=proposal_uid, program_year=decree.program_year, region_id=decree.region_id
            ).first()
        except (ValueError, ValidationError):
            proposal = None
        if proposal is None:
            errors["proposal"] = _("No proposal of this programme year and region has that id.")
    if kind == Objection.Kind.INELIGIBLE and entry is None and "entry" not in errors:
        errors["entry"] = _("Choose the recipient reported.")
    if errors:
        raise ValidationError(errors)
    subject = (
        (subject_name or "").strip()
        or (entry.name if entry else "")
        or (proposal.name if proposal else "")
    )
    objection = Objection.objects.create(
        decree=decree,
        region_id=decree.region_id,
        kind=kind,
        entry=entry,
        proposal=proposal,
        subject_name=subject[:150],
        complainant_name=complainant_name.strip()[:150],
        complainant_contact=(complainant_contact or "").strip()[:150],
        received_on=received_on,
        description=description.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="objection.record",
        obj=objection,
        after={
            "kind": kind,
            "decree": decree.pk,
            "entry": entry_id,
            "subject": subject,
            "received_on": received_on,
        },
    )
    return objection


@transaction.atomic
def objection_review(*, actor: Any, objection: Objection, note: str) -> Objection:
    """Take an objection up for review (the reviewer is named; notes kept)."""
    require(actor, "objection.review")
    require_region(actor, objection.region_id)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    note = (note or "").strip()
    if len(note) < 10:
        raise ValidationError(_("Write the review notes (at least 10 characters)."))
    _move(
        objection,
        Objection.Status.IN_REVIEW,
        reviewer=actor if getattr(actor, "pk", None) else None,
        review_note=note,
    )
    audit_record(
        actor=actor,
        action="objection.review",
        obj=objection,
        before={"status": "received"},
        after={"status": "in_review"},
        note=note,
    )
    return objection


@transaction.atomic
def objection_answer(
    *, actor: Any, objection: Objection, upheld: bool, answer: str
) -> tuple[Objection, str]:
    """Answer an objection. Upheld: the decree's revision is opened with the change it asks
    for when the person is known. Returns the objection and a notice for the reviewer."""
    require(actor, "objection.review")
    require_region(actor, objection.region_id)
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("decree", "entry")
        .get(pk=objection.pk)
    )
    answer = (answer or "").strip()
    if len(answer) < 10:
        raise ValidationError(_("Write the answer (at least 10 characters)."))
    status = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
    before = objection.status
    now = timezone.now()
    notice = ""
    fields: dict[str, Any] = {
        "answer": answer,
        "answered_at": now,
        "answered_by": actor if getattr(actor, "pk", None) else None,
    }
    if not objection.reviewer_id:
        fields["reviewer"] = fields["answered_by"]
    if upheld:
        decree = Decree.objects.filter(pk=objection.decree_id).first()
        if decree.status != Decree.Status.ISSUED:
            # A revision was issued since it was recorded: the revision of the one in force.
            decree = Decree.objects.filter(
                program_year=decree.program_year,
                region_id=decree.region_id,
                status=Decree.Status.ISSUED,
            ).first()
        if decree is None:
            raise ValidationError(_("No decree is in force for this region."))
        reason = _("Objection #%(id)s upheld: %(answer)s") % {"id": objection.pk, "answer": answer}
        revision = _revision_open(actor=actor, decree=decree, reason=reason)
        fields["revision"] = revision
        change = None
        if objection.kind == Objection.Kind.INELIGIBLE and objection.entry_id:
            allocation_id = objection.entry.allocation_id
            if revision.changes.filter(allocation_id=allocation_id).exists():
                notice = _("The recipient is already removed in the revision.")
            else:
                try:
                    change = decree_change(
                        actor=actor,
                        decree=revision,
                        action=DecreeChange.Action.REMOVE,
                        allocation_id=allocation_id,
                        note=reason,
                        objection=objection,
                        checked=False,
                    )
                except ValidationError as exc:
                    notice = " ".join(exc.messages)
        elif objection.kind == Objection.Kind.LEFT_OUT and objection.proposal_id:
            key = (
                f"g{objection.proposal.group_id}"
                if objection.proposal.group_id
                else f"p{objection.proposal_id}"
            )
            try:
                change = decree_change(
                    actor=actor,
                    decree=revision,
                    action=DecreeChange.Action.ADD,
                    key=key,
                    note=reason,
                    objection=objection,
                    checked=False,
                )
            except ValidationError as exc:
                notice = _(
                    "The person cannot be added yet (%(why)s): correct and verify the "
                    "proposal, then add it in the revision."
                ) % {"why": " ".join(exc.messages)}
        if change is not None:
            notice = _(
                "Revision %(version)s opened with the change; the head of office signs it."
            ) % {"version": revision.version}
        elif not notice:
            notice = _("Revision %(version)s opened: make the change there.") % {
                "version": revision.version
            }
    _move(objection, status, **fields)
    audit_record(
        actor=actor,
        action="objection.answer",
        obj=objection,
        before={"status": before},
        after={"status": status, "revision": fields.get("revision") and fields["revision"].pk},
        note=answer,
    )
    return objection, notice
