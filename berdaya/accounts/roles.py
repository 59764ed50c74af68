"""Roles and what each may do: the one table every permission check reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    PROVINCE_VERIFIER = "province_verifier", _("Province verifier")
    HEAD_OF_OFFICE = "head_of_office", _("Head of office")
    OPERATOR = "operator", _("Regency/city operator")
    FACILITATOR = "facilitator", _("Facilitator")
    VIEWER = "viewer", _("Viewer/auditor")
    PARTNER = "partner", _("Partner agency")
    SYSTEM = "system", _("System")


# Roles bound to one regency/city: they read and write only inside it.
REGIONAL_ROLES = frozenset({Role.OPERATOR, Role.FACILITATOR})
# Roles that read the whole province.
PROVINCE_ROLES = frozenset(
    {
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_VERIFIER,
        Role.HEAD_OF_OFFICE,
        Role.VIEWER,
        Role.SYSTEM,
    }
)

_ALL_STAFF = {
    Role.PROVINCE_ADMIN,
    Role.PROVINCE_VERIFIER,
    Role.HEAD_OF_OFFICE,
    Role.OPERATOR,
    Role.FACILITATOR,
    Role.VIEWER,
    Role.SYSTEM,
}

CAPABILITIES: dict[str, frozenset[str]] = {
    # The registry of people and households.
    "registry.view": frozenset(_ALL_STAFF),
    "registry.edit": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "registry.export": frozenset(
        {Role.PROVINCE_ADMIN, Role.PROVINCE_VERIFIER, Role.OPERATOR, Role.SYSTEM}
    ),
    "documents.upload": frozenset(
        {Role.PROVINCE_ADMIN, Role.OPERATOR, Role.FACILITATOR, Role.SYSTEM}
    ),
    # Opening a full NIK is logged; heads of office, auditors and partners see masked NIKs.
    "nik.reveal": frozenset(
        {
            Role.PROVINCE_ADMIN,
            Role.PROVINCE_VERIFIER,
            Role.OPERATOR,
            Role.FACILITATOR,
            Role.SYSTEM,
        }
    ),
    "regions.view": frozenset(_ALL_STAFF | {Role.PARTNER}),
    # Social welfare institutions (LKS): each office registers those of its region.
    "institutions.view": frozenset(_ALL_STAFF),
    "institutions.manage": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "audit.view": frozenset({Role.PROVINCE_ADMIN, Role.HEAD_OF_OFFICE, Role.VIEWER}),
    # Answering a person's request to see their data (UU 27/2022), within the user's region.
    "personal_data.report": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "users.manage": frozenset({Role.PROVINCE_ADMIN}),
    # Programmes, their yearly criteria, the national register and past recipients.
    "programs.view": frozenset(_ALL_STAFF),
    "programs.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "register.import": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "register.view": frozenset(
        {Role.PROVINCE_ADMIN, Role.PROVINCE_VERIFIER, Role.OPERATOR, Role.SYSTEM}
    ),
    # Proposals: regions propose; the province verifies.
    "proposals.view": frozenset(_ALL_STAFF),
    "proposals.submit": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "proposals.verify": frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_VERIFIER, Role.SYSTEM}),
    "proposals.comment": frozenset(
        {Role.PROVINCE_ADMIN, Role.PROVINCE_VERIFIER, Role.OPERATOR, Role.SYSTEM}
    ),
    # Targets, budgets, ranking and the decree (SK). Regions read their own; the province sets
    # targets and approves; the head of office signs. Whoever verified a proposal may not
    # approve it (checked per proposal in berdaya.allocation.services).
    "allocation.view": frozenset(_ALL_STAFF),
    "targets.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "allocation.approve": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "decree.prepare": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "decree.sign": frozenset({Role.HEAD_OF_OFFICE, Role.SYSTEM}),
    # Objections (sanggahan) to an issued decree: recorded by the province or the region that
    # received them, reviewed and answered by the province.
    "objection.record": frozenset(
        {Role.PROVINCE_ADMIN, Role.PROVINCE_VERIFIER, Role.OPERATOR, Role.SYSTEM}
    ),
    "objection.review": frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_VERIFIER, Role.SYSTEM}),
    # Dashboards, reports and their exports (aggregates, within the user's region); official
    # poverty figures entered by the province.
    "reports.view": frozenset(_ALL_STAFF),
    "indicators.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    # Distribution (Bimtek, goods, handover): everyone on the staff reads within their region;
    # the province keeps the catalogue, procurement and each unit's package; sessions are set up
    # by the province or the regency office; facilitators mark attendance and record handovers
    # in their region; only the province voids a handover (with its reason).
    "distribution.view": frozenset(_ALL_STAFF),
    "catalogue.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "procurement.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "packages.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "training.manage": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "training.attendance": frozenset(
        {Role.PROVINCE_ADMIN, Role.OPERATOR, Role.FACILITATOR, Role.SYSTEM}
    ),
    "handover.record": frozenset({Role.PROVINCE_ADMIN, Role.FACILITATOR, Role.SYSTEM}),
    "handover.void": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    # Monitoring and evaluation: staff read visits, outcomes, referrals and exhibitions within
    # their region; facilitators record follow-up visits in their region; the province sets
    # each programme's visit months; regency offices and the province assign facilitators and
    # close a unit's monitoring. Partner agencies (OPD mitra) see only the referrals sent to
    # their own agency and record what they did (the province may record it for them).
    "monitoring.view": frozenset(_ALL_STAFF),
    "monitoring.plan": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "monitoring.manage": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "visits.record": frozenset({Role.PROVINCE_ADMIN, Role.FACILITATOR, Role.SYSTEM}),
    "referrals.view": frozenset(_ALL_STAFF | {Role.PARTNER}),
    "referrals.create": frozenset(
        {Role.PROVINCE_ADMIN, Role.OPERATOR, Role.FACILITATOR, Role.SYSTEM}
    ),
    "referrals.respond": frozenset({Role.PARTNER, Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "agencies.manage": frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM}),
    "exhibitions.manage": frozenset({Role.PROVINCE_ADMIN, Role.OPERATOR, Role.SYSTEM}),
    "exhibitions.record": frozenset(
        {Role.PROVINCE_ADMIN, Role.OPERATOR, Role.FACILITATOR, Role.SYSTEM}
    ),
    # The REST API: a user's own tokens; what a token reads is what its user may read.
    "api.use": frozenset(_ALL_STAFF | {Role.PARTNER}),
}


def role_has(role: str, capability: str) -> bool:
    try:
        return role in CAPABILITIES[capability]
    except KeyError:
        raise KeyError(f"unknown capability {capability!r}") from None
