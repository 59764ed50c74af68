"""The stages a beneficiary passes through, as the dashboards count them.

The dashboards show one column per stage: proposed, eligible, approved, trained, handed over,
monitored. The first three are counted here from the apps that exist now (intake,
verification, allocation). The later ones belong to apps built after this one
(distribution, monitoring), which sit *above* reports in the import order and so cannot
import from it. They contribute by convention instead: an app may have a module
`berdaya/<app>/stages.py` with a dict

    STAGES = {
        "trained": {"count": count_trained, "link": trained_list_url},
        "handed_over": {"count": ..., "link": ...},
    }

where `count(program_year, region_codes) -> {region_code: units}` counts the units (persons,
groups or institutions, as the programme's unit is) of one programme year in each of the
given regency/city codes, and `link(program_year, region_code_or_None) -> url | None` is the
list behind a figure (None: the figure is not linked). A counter counts the region codes it
is given and no others: the reader's own, or, for the count the dashboards keep for a minute
and share, every regency/city of the province (each reader is then shown only the regions
they may read). An app may also name `OUTCOMES`, a function
`(program_year, region_codes) -> list[{"label", "count", "link"}]` for the outcomes of
monitoring (independent, growing, closed...), always asked for the reader's regions only.
Until an app provides a stage, its column shows "—".

Tests (and anything else) may also call `register_stage` directly.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

Counter = Callable[[Any, list[str]], dict[str, int]]
Linker = Callable[[Any, str | None], str | None]


@dataclass(frozen=True)
class Stage:
    key: str
    label: Any
    order: int
    count: Counter | None = None
    link: Linker | None = None
    # Shown on the public page (aggregates, with small counts suppressed).
    public: bool = False

    @property
    def available(self) -> bool:
        return self.count is not None


# Every stage the dashboards know, in the order of the life of a beneficiary (DESIGN.md).
KNOWN: dict[str, tuple[Any, int, bool]] = {
    "proposed": (_("Proposed"), 10, True),
    "eligible": (_("Eligible"), 20, False),
    "approved": (_("Approved"), 30, True),
    "trained": (_("Trained"), 40, False),
    "handed_over": (_("Handed over"), 50, True),
    "monitored": (_("Monitored"), 60, False),
}

_registered: dict[str, Stage] = {}
_outcomes: list[Callable[[Any, list[str]], list[dict]]] = []
_discovered = False


def register_stage(
    key: str,
    count: Counter,
    link: Linker | None = None,
    *,
    label: Any = None,
    order: int | None = None,
    public: bool | None = None,
) -> None:
    known_label, known_order, known_public = KNOWN.get(key, (key, 100, False))
    _registered[key] = Stage(
        key,
        label if label is not None else known_label,
        order if order is not None else known_order,
        count,
        link,
        known_public if public is None else public,
    )


def unregister_stage(key: str) -> None:
    """For tests: forget a stage (a built-in one comes back at the next discovery)."""
    global _discovered
    _registered.pop(key, None)
    _discovered = False


def register_outcomes(fn: Callable[[Any, list[str]], list[dict]]) -> None:
    if fn not in _outcomes:
        _outcomes.append(fn)


def _discover() -> None:
    """Built-in stages, then every installed Berdaya app's `stages.py` (see the module doc)."""
    global _discovered
    if _discovered:
        return
    for key, (count, link) in BUILT_IN.items():
        _registered.setdefault(
            key, Stage(key, KNOWN[key][0], KNOWN[key][1], count, link, KNOWN[key][2])
        )
    for config in apps.get_app_configs():
        if not config.name.startswith("berdaya.") or config.name == "berdaya.reports":
            continue
        name = f"{config.name}.stages"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for key, spec in getattr(module, "STAGES", {}).items():
            if key not in _registered:
                register_stage(
                    key,
                    spec["count"],
                    spec.get("link"),
                    label=spec.get("label"),
                    order=spec.get("order"),
                    public=spec.get("public"),
                )
        outcomes = getattr(module, "OUTCOMES", None)
        if outcomes is not None:
            register_outcomes(outcomes)
    _discovered = True


def stages() -> list[Stage]:
    """Every known stage in order; those no app provides yet have no counter."""
    _discover()
    out = {
        key: Stage(key, label, order, public=public)
        for key, (label, order, public) in KNOWN.items()
    }
    out.update(_registered)
    return sorted(out.values(), key=lambda s: (s.order, s.key))


def outcome_functions() -> list[Callable[[Any, list[str]], list[dict]]]:
    _discover()
    return list(_outcomes)


# --- The stages counted here ---------------------------------------------------------------


def _is_group(program_year: Any) -> bool:
    return program_year.program.unit == "group"


def _by_region(qs, field: str = "region_id") -> dict[str, int]:
    return dict(qs.values(field).annotate(n=Count("pk")).values_list(field, "n"))


def proposed_units(program_year: Any, region_codes: list[str]):
    """The units still proposed (not withdrawn): proposals, or groups for a group programme."""
    from berdaya.intake.models import Proposal, ProposalGroup

    model = ProposalGroup if _is_group(program_year) else Proposal
    return model.objects.filter(
        program_year=program_year, region_id__in=region_codes, status="proposed"
    )


def count_proposed(program_year: Any, region_codes: list[str]) -> dict[str, int]:
    return _by_region(proposed_units(program_year, region_codes))


def count_eligible(program_year: Any, region_codes: list[str]) -> dict[str, int]:
    """Proposed units whose verdict (computed or overridden) is eligible."""
    qs = proposed_units(program_year, region_codes).filter(verification__verdict="eligible")
    return _by_region(qs)


def approved_units(program_year: Any, region_codes: list[str]):
    from berdaya.allocation.models import Allocation

    return Allocation.objects.filter(
        program_year=program_year, region_id__in=region_codes, status="approved"
    )


def count_approved(program_year: Any, region_codes: list[str]) -> dict[str, int]:
    return _by_region(approved_units(program_year, region_codes))


def _proposal_list(program_year: Any, region: str | None, **extra: str) -> str:
    params = {"py": program_year.pk, **({"region": region} if region else {}), **extra}
    return reverse("verification:index") + "?" + urlencode(params)


def _group_list(program_year: Any, region: str | None, **extra: str) -> str:
    params = {"py": program_year.pk, **({"region": region} if region else {}), **extra}
    return reverse("reports:groups") + "?" + urlencode(params)


def link_proposed(program_year: Any, region: str | None) -> str:
    if _is_group(program_year):
        return _group_list(program_year, region)
    return _proposal_list(program_year, region)


def link_eligible(program_year: Any, region: str | None) -> str:
    if _is_group(program_year):
        return _group_list(program_year, region, verdict="eligible")
    return _proposal_list(program_year, region, verdict="eligible")


def link_approved(program_year: Any, region: str | None) -> str:
    """The ranking page of the region lists its approved units; the province: its index."""
    if region:
        return reverse(
            "allocation:ranking",
            kwargs={"code": program_year.program.code, "year": program_year.year, "region": region},
        )
    return reverse("allocation:index") + "?" + urlencode({"py": program_year.pk})


BUILT_IN: dict[str, tuple[Counter, Linker]] = {
    "proposed": (count_proposed, link_proposed),
    "eligible": (count_eligible, link_eligible),
    "approved": (count_approved, link_approved),
}


def group_verdict_q(verdict: str) -> Q:
    if verdict == "pending":
        return Q(verification__isnull=True)
    return Q(verification__verdict=verdict)
