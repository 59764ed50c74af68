"""The API's permission matrix, generated from the OpenAPI document.

Every operation (path x method) is tried with a personal token of every role, once naming the
Samarinda operator's own region and once Balikpapan: a path parameter names an object of that
region, a request body names a person of it, a list is read whole and then filtered to the other
region. An operation added tomorrow is tried too, and fails here until OPERATIONS says what it
is and which capability opens it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from berdaya.api.api import api
from berdaya.api.models import ApiToken
from berdaya.api.services import token_create, token_revoke
from berdaya.core.masking import mask_nik
from berdaya.core.models import AuditEvent
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.test_permissions import READS, world  # noqa: F401  (the page matrix's objects)

# Each operation: what it answers ("object": one object named in the request; "list": a page of
# rows, each with its region; "figures": aggregates; "reference": province-wide data;
# "self": the token's own user) and the capability that opens it (None: any token).
OPERATIONS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("get", "/api/me"): ("self", None),
    ("get", "/api/programs"): ("reference", "programs.view"),
    ("post", "/api/persons/lookup"): ("object", "registry.view"),
    ("get", "/api/proposals"): ("list", "proposals.view"),
    ("get", "/api/proposals/{proposal_uid}"): ("object", "proposals.view"),
    ("get", "/api/verdicts"): ("list", "proposals.view"),
    ("get", "/api/groups"): ("list", "proposals.view"),
    ("get", "/api/approvals"): ("list", "allocation.view"),
    ("get", "/api/dashboard"): ("figures", "reports.view"),
    ("get", "/api/poverty"): ("reference", "reports.view"),
    ("get", "/api/handovers/"): ("list", "distribution.view"),
    ("get", "/api/handovers/sessions"): ("list", "distribution.view"),
    ("get", "/api/monitoring/outcomes"): ("figures", "monitoring.view"),
    ("get", "/api/monitoring/visits"): ("list", "monitoring.view"),
    ("get", "/api/monitoring/referrals"): ("list", "referrals.view"),
}
# Required query parameters, the same on both sides (the programme year of the world).
REQUIRED_QUERY = {"program": "WRSE", "year": 2025}
# A regional user's aggregates for another region: what "nothing" looks like (an operation
# not here must refuse them: the dashboard answers 404).
NOTHING = {"/api/monitoring/outcomes": lambda body: body["units"] == 0 and body["visits"] == 0}
# What a partner agency's token reads: who it is, and the referrals sent to its own agency.
PARTNER_READS = {("get", "/api/me"), ("get", "/api/monitoring/referrals")}
PARTNER_AGENCY = "DINKES"  # the test partner's "Dinas Kesehatan"
SIDES = {"own": SAMARINDA, "other": BALIKPAPAN}
METHODS = ("get", "post", "put", "patch", "delete")
FULL_NIK = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# Digests and hashes are hexadecimal: a run of 16 digits in one is not a NIK.
NOT_NIK_KEYS = {"content_hash"}


def schema_operations() -> dict[tuple[str, str], dict]:
    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    return {(m, p): op for p, ops in paths.items() for m, op in ops.items() if m in METHODS}


def test_every_operation_is_in_the_matrix():
    """A new endpoint without a matrix case fails here, and so does a case for a gone one."""
    found = set(schema_operations())
    assert found - set(OPERATIONS) == set(), "add these operations to OPERATIONS"
    assert set(OPERATIONS) - found == set(), "these operations are gone from the API"


@pytest.fixture
def api_world(world, users):  # noqa: F811
    """The page matrix's objects, and what only the API shows: the persons' NIKs (a lookup's
    body), a receiver's NIK on each handover, a referral to the partner's agency in each
    region."""
    from berdaya.distribution.models import Handover
    from berdaya.intake.models import Proposal
    from berdaya.monitoring.models import PartnerAgency, Referral
    from berdaya.registry.models import Person
    from berdaya.verification.services import verify

    nik = {k: Person.objects.get(pk=pk).nik for k, pk in world["person_id"].items()}
    # Verdicts for the verdict list: the page matrix only opens a verification run.
    proposal = Proposal.objects.get(uid=world["proposal_uid"]["own"])
    verify(actor=users["admin"], program_year=proposal.program_year)
    agency = PartnerAgency.objects.get(code=PARTNER_AGENCY)
    for side, region in (("own", SAMARINDA), ("other", BALIKPAPAN)):
        Handover.objects.filter(pk=world["handover_id"][side]).update(receiver_nik=nik[side])
        Referral.objects.create(
            region_id=region,
            agency=agency,
            service="health",
            subject_name=f"Rujukan {side}",
            subject_nik=nik[side],
            reason="Pemeriksaan kesehatan",
            respond_by=timezone.localdate(),
        )
    # What shows that an answer holds something of a region: its code, its person's NIK (whole
    # or masked) and name, its proposal's, group's and referral's uid.
    markers = {
        side: {
            region,
            nik[side],
            mask_nik(nik[side]),
            name,
            *(str(world[key][side]) for key in ("proposal_uid", "group_uid", "referral_uid")),
        }
        for side, region, name in (
            ("own", SAMARINDA, "Siti Rahmah"),
            ("other", BALIKPAPAN, "Nur Aisyah"),
        )
    }
    return {**world, "nik": nik, "markers": markers}


def request_for(method: str, path: str, operation: dict, values: dict, side: str):
    """The URL, query and body of one operation for one side, from its parameters."""
    query: dict[str, Any] = {}
    for param in operation.get("parameters", []):
        name, where = param["name"], param["in"]
        if where == "path":
            if name not in values:
                raise AssertionError(f"{path} takes {{{name}}}: add an object for it")
            path = path.replace(f"{{{name}}}", str(values[name][side]))
        elif name == "page_size":
            query["page_size"] = 100  # the whole world on one page
        elif name == "region":
            if side == "other":
                query["region"] = BALIKPAPAN
        elif param.get("required"):
            if name not in REQUIRED_QUERY:
                raise AssertionError(f"{path} needs ?{name}=: add it to REQUIRED_QUERY")
            query[name] = REQUIRED_QUERY[name]
    body = None
    if "requestBody" in operation:
        if path != "/api/persons/lookup":
            raise AssertionError(f"{method.upper()} {path} takes a body: say which")
        body = {"nik": values["nik"][side]}
    return path, query, body


def call(client, method: str, path: str, query: dict, body: dict | None, headers: dict):
    if method == "get":
        return client.get(path, query, **headers)
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", **headers
    )


def strings(value: Any, key: str = ""):
    """Every (key, string) in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)
    elif isinstance(value, str):
        yield key, value


def writes() -> int:
    return AuditEvent.objects.exclude(action__in=READS).count()


def rows() -> dict[str, int]:
    """Rows of every table of ours, but the tokens (used_at moves) and the audit of reads."""
    out = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m.__module__.startswith("berdaya.") and m not in (ApiToken, AuditEvent)
    }
    out["audit"] = writes()
    return out


def test_every_operation_every_role_every_region(client, users, api_world, capsys):
    operations = schema_operations()
    assert set(operations) == set(OPERATIONS), "see test_every_operation_is_in_the_matrix"
    tokens = {
        role: {"HTTP_AUTHORIZATION": "Bearer " + token_create(actor=u, user=u, name="matrix")[1]}
        for role, u in users.items()
    }
    tried = leaks = 0
    problems: list[str] = []
    seen_full: set[str] = set()
    answers: dict[tuple, Any] = {}
    for (method, template), operation in sorted(operations.items()):
        kind, capability = OPERATIONS[(method, template)]
        for side in ("own", "other"):
            path, query, body = request_for(method, template, operation, api_world, side)
            for role, user in users.items():
                before = rows() if method != "get" else writes()
                response = call(client, method, path, query, body, tokens[role])
                after = rows() if method != "get" else writes()
                tried += 1
                status = response.status_code
                where = f"{method.upper()} {path} {query or ''} as {role} ({side})"
                allowed = capability is None or user.has_capability(capability)
                # The region asked for: the object's, or the list's filter (none: one's own).
                asked = SIDES[side] if kind == "object" else query.get("region")
                foreign = bool(user.region_id) and asked not in (None, user.region_id)
                if status >= 500:
                    problems.append(f"{where}: server error {status}")
                    continue
                if before != after:
                    problems.append(f"{where}: wrote ({before} -> {after})")
                if not allowed:
                    if status != 403:
                        problems.append(f"{where}: {status} without {capability}")
                    continue
                if role == "partner" and (method, template) not in PARTNER_READS:
                    if status == 200:
                        problems.append(f"{where}: a partner agency read {template}")
                    continue
                if foreign and kind in ("object", "figures") and status in (403, 404):
                    continue
                if status != 200:
                    problems.append(f"{where}: {status}, expected 200")
                    continue
                data = response.json()
                answers[(method, template, side, role)] = data
                leaked = _leaks(data, kind, user, foreign, template, api_world)
                if leaked:
                    leaks += 1
                    problems.append(f"{where}: {leaked}")
                for key, text in strings(data):
                    if key not in NOT_NIK_KEYS and FULL_NIK.search(text):
                        if not user.has_capability("nik.reveal"):
                            problems.append(f"{where}: a full NIK in {key!r}")
                        seen_full.add(role)
    problems += _controls(answers, api_world)
    # Roles that work with identities saw whole NIKs: the masking check above was not vacuous.
    assert {"admin", "verifier", "op_smd", "facilitator"} <= seen_full, seen_full
    unauthenticated = _unauthenticated(client, users, operations, api_world, problems)
    wrong_methods = _wrong_methods(client, tokens["admin"], operations, api_world, problems)
    with capsys.disabled():
        print(
            f"\nAPI matrix: {len(operations)} operations x {len(users)} roles x 2 regions = "
            f"{tried} requests, {leaks} leaks; {unauthenticated} without a valid token, "
            f"{wrong_methods} with a method the API does not have"
        )
    assert not problems, "\n".join(problems)


def _leaks(data: Any, kind: str, user: Any, foreign: bool, template: str, w: dict) -> str:
    """What a regional user, or the partner, read that was not theirs ("" when nothing)."""
    if user.role == "partner":
        if template == "/api/monitoring/referrals":
            agencies = {r["agency"] for r in data["items"]}
            if agencies - {PARTNER_AGENCY}:
                return f"referrals of other agencies {agencies}"
        return ""
    home = user.region_id
    if not home:
        return ""
    if kind == "list":
        regions = {item.get("region", "?") for item in data["items"]}
        if regions - {home}:
            return f"rows of regions {sorted(regions - {home})}"
        if data["count"] != len(data["items"]):
            return f"count {data['count']} for {len(data['items'])} rows"
    if kind == "figures" and foreign:
        empty = NOTHING.get(template)
        if empty is None:
            return "another region's figures (if they are empty, say so in NOTHING)"
        if not empty(data):
            return "another region's figures"
    away = next(k for k, region in SIDES.items() if region != home)
    found = sorted(m for m in w["markers"][away] for _k, s in strings(data) if m in s)
    return f"another region's {found}" if found else ""


def _controls(answers: dict, w: dict) -> list[str]:
    """The world is seen: a province user's lists hold rows of both regions, a regional user's
    own region, a regional user's figures are the province's for that region; so the absence of
    another region's rows above means something."""
    problems = []
    for (method, template), (kind, _cap) in OPERATIONS.items():
        admin = answers.get((method, template, "own", "admin"))
        mine = answers.get((method, template, "own", "op_smd"))
        if kind == "list":
            if admin is None or mine is None:
                problems.append(f"{template}: no answer to compare")
                continue
            regions = {item["region"] for item in admin["items"]}
            if regions != {SAMARINDA, BALIKPAPAN}:
                problems.append(f"{template}: the world shows the administrator {regions}")
            if not mine["items"]:
                problems.append(f"{template}: the Samarinda operator saw none of their own")
    # The administrator and a regional user on the same region's figures agree.
    outcomes = answers[("get", "/api/monitoring/outcomes", "own", "op_smd")]
    if outcomes["units"] != 1:
        problems.append(f"outcomes: the Samarinda operator counts {outcomes['units']} units")
    board = answers[("get", "/api/dashboard", "own", "op_smd")]
    if [r["region"] for r in board["rows"]] != [SAMARINDA]:
        problems.append("dashboard: the Samarinda operator's rows are not Samarinda")
    lookup = answers[("post", "/api/persons/lookup", "own", "op_smd")]
    if lookup["person"]["nik"] != w["nik"]["own"]:
        problems.append("lookup: the Samarinda operator does not see their person's NIK")
    # The partner reads the referrals sent to its agency, of any region, NIKs masked.
    sent = answers[("get", "/api/monitoring/referrals", "own", "partner")]["items"]
    if sorted(r["subject_nik"] for r in sent) != sorted(mask_nik(n) for n in w["nik"].values()):
        problems.append(f"referrals: the partner agency reads {sent}")
    masked = answers[("post", "/api/persons/lookup", "own", "head")]
    if masked["person"]["nik"] != mask_nik(w["nik"]["own"]):
        problems.append("lookup: the head of office sees an unmasked NIK")
    return problems


def _unauthenticated(client, users, operations, w, problems) -> int:
    """No token, a session, a revoked, an expired, a made-up token: 401 everywhere."""
    user = users["admin"]
    revoked, raw_revoked = token_create(actor=user, user=user, name="revoked")
    token_revoke(actor=user, token=revoked)
    expired, raw_expired = token_create(actor=user, user=user, name="expired", days=1)
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    bad = {
        "no token": {},
        "revoked": {"HTTP_AUTHORIZATION": f"Bearer {raw_revoked}"},
        "expired": {"HTTP_AUTHORIZATION": f"Bearer {raw_expired}"},
        "made up": {"HTTP_AUTHORIZATION": "Bearer bdy_" + "x" * 43},
        "not bearer": {"HTTP_AUTHORIZATION": f"Token {raw_expired}"},
    }
    tried = 0
    client.force_login(user)  # a session is not a token
    for (method, template), operation in sorted(operations.items()):
        path, query, body = request_for(method, template, operation, w, "own")
        for what, headers in bad.items():
            before = rows()
            status = call(client, method, path, query, body, headers).status_code
            tried += 1
            if status != 401:
                problems.append(f"{method.upper()} {path} with {what}: {status}")
            if rows() != before:
                problems.append(f"{method.upper()} {path} with {what}: wrote")
    client.logout()
    return tried


def _wrong_methods(client, headers, operations, w, problems) -> int:
    """A method an address does not have writes nothing, even for the administrator."""
    tried = 0
    by_path: dict[str, set[str]] = {}
    for method, template in operations:
        by_path.setdefault(template, set()).add(method)
    for template, methods in sorted(by_path.items()):
        method = sorted(methods)[0]
        path, query, body = request_for(method, template, operations[(method, template)], w, "own")
        for other in sorted(set(METHODS) - methods):
            before = rows()
            status = call(client, other, path, query, body, headers).status_code
            tried += 1
            if status != 405:
                problems.append(f"{other.upper()} {path}: {status}, expected 405")
            if rows() != before:
                problems.append(f"{other.upper()} {path}: wrote")
    return tried
