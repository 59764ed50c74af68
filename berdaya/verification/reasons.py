"""Reason codes, their effects and their words (DESIGN.md, "Verdicts")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    REVIEW = "review", _("Needs review")


INELIGIBLE, REVIEW = Verdict.INELIGIBLE.value, Verdict.REVIEW.value

REASONS: dict[str, tuple[str, object]] = {
    "NIK_INVALID": (INELIGIBLE, _("The NIK is not valid (length, region, birth date or serial).")),
    "NIK_MISMATCH": (
        REVIEW,
        _("The person was found in the register under a different NIK (probably a typo)."),
    ),
    "NIK_BIRTHDATE_MISMATCH": (REVIEW, _("The birth date in the NIK differs from the row's.")),
    "NIK_SEX_MISMATCH": (REVIEW, _("The sex in the NIK differs from the row's.")),
    "NOT_IN_REGISTER": (INELIGIBLE, _("Not found in the national register (DTKS/DTSEN).")),
    "DESIL_UNKNOWN": (REVIEW, _("The register has no welfare decile for this person.")),
    "DESIL_ABOVE_LIMIT": (INELIGIBLE, _("The welfare decile is above the programme's limit.")),
    "DECEASED": (INELIGIBLE, _("The register marks this person as deceased.")),
    "EXCLUDED_OCCUPATION": (
        INELIGIBLE,
        _("Civil servant, soldier, police officer or another excluded occupation."),
    ),
    "SEX_NOT_ELIGIBLE": (INELIGIBLE, _("Outside the programme's sex criterion.")),
    "AGE_OUT_OF_RANGE": (INELIGIBLE, _("Outside the programme's age range.")),
    "NOT_HEAD_OF_FAMILY": (
        REVIEW,
        _("Not the head of the family; the programme requires the head or the main earner."),
    ),
    "ALREADY_RECEIVED": (INELIGIBLE, _("Received this programme (or an excluding one) before.")),
    "OUTSIDE_REGION": (INELIGIBLE, _("Lives outside the proposing office's region.")),
    "DUPLICATE_IN_BATCH": (
        INELIGIBLE,
        _("Already proposed earlier this programme year (by this or another office)."),
    ),
    "GROUP_SIZE": (INELIGIBLE, _("The group has fewer or more members than allowed.")),
    "MEMBER_IN_OTHER_GROUP": (INELIGIBLE, _("The member is in another active or proposed group.")),
    "GROUP_VILLAGES": (INELIGIBLE, _("The members live in more than one village.")),
    "LKS_NOT_REGISTERED": (INELIGIBLE, _("The institution is not registered.")),
    "ACCREDITATION_EXPIRED": (INELIGIBLE, _("The institution's accreditation is not valid.")),
    "CATEGORY_NOT_ELIGIBLE": (INELIGIBLE, _("Outside the criteria of the PPKS category.")),
}


def verdict_for(reasons: list[str] | set[str]) -> str:
    """The worst effect among the reasons: ineligible, then review; eligible without reasons."""
    effects = {REASONS[r][0] for r in reasons}
    if INELIGIBLE in effects:
        return INELIGIBLE
    if REVIEW in effects:
        return REVIEW
    return Verdict.ELIGIBLE.value


def reason_label(code: str) -> str:
    return str(REASONS[code][1]) if code in REASONS else code
