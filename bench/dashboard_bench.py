"""Dashboards, list pages and name search under load, on PostgreSQL, served by granian.

    .venv/bin/python bench/dashboard_bench.py [--people 1000000] [--beneficiaries 50000]
                                              [--users 20] [--seconds 90] [--workers 2]
                                              [--no-write]

1. A fresh PostgreSQL database, migrated. `berdaya synth --people N` writes a register of
   N people; they are loaded into Berdaya's people table set-based: COPY into a staging
   table, names normalised once per distinct name (the same `normalize_name` the site
   uses), then one INSERT ... SELECT. Then, in SQL too, WRSE 2025 proposals of women in
   every regency/city (10% more than the beneficiaries), their verdicts (eligible, and some
   ineligible or to review), the beneficiaries approved within quotas (ranked, valued,
   part realised), quotas, the programme target and its budget envelope; then ANALYZE.
2. The production server as tools/serve.sh runs it: granian, WSGI interface, `--workers`
   (2 by default: the machine's cores), DEBUG off.
3. A load generator on loopback: `--users` simulated users (half province staff, half
   regency/city operators of different regions), each signed in with its own session and
   keep-alive connection, each requesting a page of the mix, waiting for the answer, then
   waiting 1 s, for `--seconds` after a warm-up round. Only the HTML is fetched (static
   files are WhiteNoise's and cached by browsers).

Pages: the dashboard (province, and one region), the lists behind its figures (proposals of a
region by verdict, first and a later page; people of a region), the API's proposal list, and
name search on people. Baseline: the sign-in page, under the same load (the floor of the
stack: granian, Django, middleware and a template, no query). Targets (issue 8): p95 at most
150 ms for dashboard and list pages, at most 100 ms for name search. The section
"## Dashboards and lists under load" of bench/RESULTS.md is replaced with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, ROOT, berdaya, fresh_postgres, machine  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Dashboards and lists under load"
PASSWORD = "bench-Berdaya-2025!"
TARGETS = {"dashboard": 150, "list": 150, "search": 100}
# Each kind of page alone (the targets are judged on these), then all of them mixed; the
# sign-in page rides along in each as the baseline.
SCENARIOS = [
    ("dashboard", ("dashboard", "baseline")),
    ("list", ("list", "baseline")),
    ("search", ("search", "baseline")),
    ("mixed", ("dashboard", "list", "search", "baseline")),
]
SEARCHES = [
    "siti aminah",
    "muhamad rizki",
    "nur hayati",
    "abdul rahman",
    "sri wahyuni",
    "ahmad fauzi",
    "rahmawati",
    "hendra gunawan",
    "dewi lestari",
    "agus salim",
]


# --- Data --------------------------------------------------------------------------------


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _columns(model, given: dict[str, str]) -> tuple[list[str], list[str], list]:
    """Column names and SQL expressions for an INSERT ... SELECT into `model`'s table: the
    given expressions, and each other column's Django default as a parameter (other apps add
    columns; the bench keeps working)."""
    from django.db.models import NOT_PROVIDED

    columns, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if field.primary_key and column not in given:
            continue
        columns.append(column)
        if column in given:
            exprs.append(given[column])
            continue
        if field.null:
            exprs.append("NULL")
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("now()")
            continue
        default = field.get_default() if field.default is not NOT_PROVIDED else None
        if default is None:
            default = "" if field.get_internal_type() in ("CharField", "TextField") else 0
        if field.get_internal_type() == "JSONField":
            import json

            exprs.append("%s::jsonb")
            params.append(json.dumps(default))
        else:
            exprs.append("%s")
            params.append(default)
    return columns, exprs, params


def _insert_select(cur, model, given: dict[str, str], rest: str, params: list | None = None):
    columns, exprs, defaults = _columns(model, given)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} {rest}"
    )
    cur.execute(sql, defaults + (params or []))
    return cur.rowcount


def load_people(url: str, register: Path) -> tuple[int, float]:
    import psycopg

    from berdaya.linkage.names import normalize_name
    from berdaya.registry.models import Person

    start = time.perf_counter()
    with psycopg.connect(url) as con, con.cursor() as cur:
        cur.execute(
            "CREATE UNLOGGED TABLE bench_stage (id text, nik text, kk text, name text, "
            "birth_place text, birth text, sex text, address text, village text, decile text, "
            "relation text, occupation text, life text, disability text, extreme text)"
        )
        with (
            cur.copy("COPY bench_stage FROM STDIN (FORMAT csv, HEADER true)") as copy,
            open(register, "rb") as f,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        cur.execute("CREATE UNLOGGED TABLE bench_names (name text PRIMARY KEY, norm text)")
        cur.execute("SELECT DISTINCT name FROM bench_stage")
        names = [r[0] for r in cur.fetchall()]
        with cur.copy("COPY bench_names (name, norm) FROM STDIN") as copy:
            for name in names:
                copy.write_row((name, normalize_name(name)[:150]))
        relations = (
            "('KEPALA KELUARGA','ISTRI','SUAMI','ANAK','MENANTU','CUCU','ORANG TUA',"
            "'MERTUA','FAMILI LAIN','PEMBANTU','LAINNYA')"
        )
        rows = _insert_select(
            cur,
            Person,
            {
                "nik": "s.nik",
                "kk": "coalesce(s.kk, '')",
                "name": "left(s.name, 150)",
                "name_norm": "n.norm",
                "birth_place": "left(coalesce(s.birth_place, ''), 100)",
                "birth_date": "s.birth::date",
                "sex": "s.sex",
                "address": "left(coalesce(s.address, ''), 255)",
                "village_id": "s.village",
                "regency_id": "left(s.village, 5)",
                "relation": f"CASE WHEN s.relation IN {relations} THEN s.relation ELSE '' END",
                "occupation": "left(coalesce(s.occupation, ''), 80)",
                "decile": "nullif(s.decile, '')::smallint",
                "life_status": "coalesce(nullif(s.life, ''), 'HIDUP')",
                "disability": "s.disability = 'Y'",
                "extreme_poverty": "s.extreme = 'Y'",
                "source": "'register'",
                "source_ref": "s.id",
                "household_id": "NULL",
            },
            "FROM (SELECT DISTINCT ON (nik) * FROM bench_stage WHERE length(nik) = 16 "
            "AND village IN (SELECT code FROM regions_region WHERE level = 'village') "
            "AND birth ~ '^[0-9]{4}-' ORDER BY nik, id) s JOIN bench_names n ON n.name = s.name",
        )
        con.commit()  # the deferred foreign-key checks run here
        cur.execute("DROP TABLE bench_stage")
        cur.execute("DROP TABLE bench_names")
        con.commit()
    return rows, time.perf_counter() - start


def load_beneficiaries(url: str, beneficiaries: int) -> dict:
    """WRSE 2025 proposals, verdicts and approvals in every region, set-based."""
    import psycopg
    from django.contrib.auth.hashers import make_password

    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.allocation.models import Allocation
    from berdaya.intake.models import Proposal
    from berdaya.programs.models import BudgetEnvelope, ProgramTarget, RegionQuota
    from berdaya.programs.services import program_year_for
    from berdaya.programs.targets import envelope_create, regencies, target_save
    from berdaya.verification.models import Verification

    start = time.perf_counter()
    regions = [r.code for r in regencies()]
    # Quotas in proportion to the women of working age of each region (as real quotas follow
    # the regions' proposals), summing to `beneficiaries` exactly; 10% more are proposed.
    with psycopg.connect(url) as con:
        women = dict(
            con.execute(
                "SELECT regency_id, count(*) FROM registry_person WHERE sex = 'P' AND "
                "birth_date BETWEEN '1966-01-02' AND '2006-12-31' GROUP BY regency_id"
            ).fetchall()
        )
    total = sum(women.get(r, 0) for r in regions)
    quotas = {r: beneficiaries * women.get(r, 0) // total for r in regions}
    for r in sorted(regions, key=lambda r: -women.get(r, 0))[
        : beneficiaries - sum(quotas.values())
    ]:
        quotas[r] += 1
    limits = ", ".join(f"('{r}', {q * 23 // 20 + 1}, {q})" for r, q in quotas.items())
    limits_sql = f"(VALUES {limits}) q(code, proposed, quota)"
    password = make_password(PASSWORD)
    User.objects.create(username="kadis.bench", role="head_of_office", password=password)
    User.objects.create(username="auditor.bench", role="viewer", password=password)
    for code in regions:
        User.objects.create(
            username=f"op.{code}", role="operator", region_id=code, password=password
        )
    sistem = system_user()
    for code in ("WRSE", "KUBE", "LKS", "PPKS"):
        program_year_for(actor=sistem, program=code, year=2025)
    py = program_year_for(actor=sistem, program="WRSE", year=2025)[0]
    value = py.value_per_unit or 5_000_000
    envelope = envelope_create(
        actor=sistem,
        fiscal_year=2025,
        source="APBD",
        name="APBD Kaltim 2025 (bench)",
        amount=beneficiaries * value * 2,
        notes="",
    )
    target_save(
        actor=sistem,
        program_year=py,
        units=beneficiaries,
        envelope=envelope,
        quotas=quotas,
        deadline=dt.date(2025, 9, 30),
    )
    with psycopg.connect(url) as con, con.cursor() as cur:
        # Women of working age in every region, 15% more than its quota, by a fixed shuffle.
        n = _insert_select(
            cur,
            Proposal,
            {
                "uid": "gen_random_uuid()",
                "program_year_id": str(py.pk),
                "region_id": "p.regency_id",
                "key": "'b' || p.id",
                "row_id": "p.rn::text",
                "row_number": "p.rn",
                "nik": "p.nik",
                "kk": "p.kk",
                "name": "p.name",
                "name_norm": "p.name_norm",
                "birth_place": "p.birth_place",
                "birth_date": "p.birth_date",
                "sex": "p.sex",
                "address": "p.address",
                "village_code": "p.village_id",
                "relation": "p.relation",
                "occupation": "p.occupation",
                "data_hash": "md5(p.nik)",
                "status": "'proposed'",
                "submitted_at": "now() - mod(p.rn, 200) * interval '1 day'",
            },
            "FROM (SELECT *, row_number() OVER (PARTITION BY regency_id ORDER BY md5(nik)) rn "
            "FROM registry_person WHERE sex = 'P' AND birth_date BETWEEN '1966-01-02' AND "
            f"'2006-12-31') p JOIN {limits_sql} ON q.code = p.regency_id WHERE p.rn <= q.proposed",
        )
        v = _insert_select(
            cur,
            Verification,
            {
                "proposal_id": "p.id",
                "verdict": "CASE WHEN mod(p.row_number, 20) = 7 THEN 'ineligible' "
                "WHEN mod(p.row_number, 25) = 3 THEN 'review' ELSE 'eligible' END",
                "computed_verdict": "CASE WHEN mod(p.row_number, 20) = 7 THEN 'ineligible' "
                "WHEN mod(p.row_number, 25) = 3 THEN 'review' ELSE 'eligible' END",
                "reasons": "CASE WHEN mod(p.row_number, 20) = 7 "
                "THEN '[\"DESIL_ABOVE_LIMIT\"]' WHEN mod(p.row_number, 25) = 3 "
                "THEN '[\"NOT_HEAD_OF_FAMILY\"]' ELSE '[]' END::jsonb",
                "stale": "false",
                "verified_at": "now()",
                "version": "1",
            },
            "FROM intake_proposal p WHERE p.program_year_id = %s",
            [py.pk],
        )
        a = _insert_select(
            cur,
            Allocation,
            {
                "program_year_id": str(py.pk),
                "region_id": "e.region_id",
                "proposal_id": "e.id",
                "status": "'approved'",
                "rank": "e.rk",
                "score": "round((100 - e.rk * 100.0 / (q.quota + 1))::numeric, 2)",
                "components": "'{}'::jsonb",
                "value": str(value),
                "approved_at": "now()",
                "realised_value": f"CASE WHEN mod(e.rk, 5) < 2 THEN {value} ELSE 0 END",
            },
            "FROM (SELECT p.id, p.region_id, row_number() OVER (PARTITION BY p.region_id "
            "ORDER BY p.row_number) rk FROM intake_proposal p JOIN verification_verification v "
            "ON v.proposal_id = p.id WHERE p.program_year_id = %s AND v.verdict = 'eligible') e "
            f"JOIN {limits_sql} ON q.code = e.region_id WHERE e.rk <= q.quota",
            [py.pk],
        )
        con.commit()
    for q in RegionQuota.objects.filter(program_year=py):
        count = Allocation.objects.filter(program_year=py, region_id=q.region_id).count()
        RegionQuota.objects.filter(pk=q.pk).update(approved_units=count, committed=count * value)
    ProgramTarget.objects.filter(program_year=py).update(committed=a * value)
    BudgetEnvelope.objects.filter(pk=envelope.pk).update(committed=a * value)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM ANALYZE")
    return {
        "py": py.pk,
        "regions": regions,
        "proposals": n,
        "verdicts": v,
        "approved": a,
        "seconds": time.perf_counter() - start,
    }


# --- Server and load ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    granian = str(Path(PYTHON).parent / "granian")
    proc = subprocess.Popen(
        [
            granian,
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "berdaya.wsgi:application",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("granian did not start")


class Session:
    """One simulated user: a keep-alive connection, its cookies, sign-in like a browser."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, float]:
        try:
            return self._request(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection: a browser opens another.
            return self._request(method, path, body)

    def _request(self, method: str, path: str, body: str | None) -> tuple[int, bytes, float]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "id"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/masuk/"
        start = time.perf_counter()
        try:
            self.con.request(method, path, body=body, headers=headers)
            response = self.con.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.con.close()
            self.con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        elapsed = time.perf_counter() - start
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def sign_in(self, username: str) -> None:
        _s, page, _t = self.request("GET", "/masuk/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        status, _d, _t = self.request("POST", "/masuk/", body)
        if status != 302:
            raise SystemExit(f"sign-in of {username} failed: {status}")


def mix(region: str, py: int, province: bool) -> list[tuple[str, str]]:
    pages = [
        ("dashboard", f"/dasbor/?py={py}"),
        ("list", f"/usulan/?py={py}&region={region}&verdict=eligible"),
        ("list", f"/usulan/?py={py}&region={region}&verdict=eligible&page=20"),
        ("list", f"/orang/?regency={region}" if province else "/orang/"),
        ("list", f"/usulan/?py={py}&region={region}"),
        ("search", "/orang/?q={q}"),
        ("search", "/orang/?q={q}"),
        ("baseline", "/masuk/"),
    ]
    if province:
        pages.append(("dashboard", f"/dasbor/?py={py}&region={region}"))
    else:
        pages.append(("dashboard", f"/dasbor/?py={py}"))
    return pages


def simulate(
    port: int,
    users: list[tuple[str, str, bool]],
    py: int,
    seconds: float,
    seed: int,
    kinds: tuple[str, ...],
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(len(users))
    stop: list[float] = []

    def run(index: int, username: str, region: str, province: bool) -> None:
        try:
            work(index, username, region, province)
        except Exception as exc:  # noqa: BLE001  (reported, and the others are released)
            with lock:
                errors.append(f"{username}: {exc!r}")
            ready.abort()
            if not stop:
                stop.append(0.0)

    def work(index: int, username: str, region: str, province: bool) -> None:
        rnd = random.Random(seed + index)
        session = Session(port)
        baseline_session = Session(port)
        session.sign_in(username)
        pages = [p for p in mix(region, py, province) if p[0] in kinds]
        # Warm-up: every page once, not measured (first requests fill the workers' caches).
        for _kind, path in pages:
            session.request("GET", path.format(q=urllib.parse.quote(SEARCHES[0])))
        baseline_session.request("GET", "/masuk/")
        try:
            if ready.wait() == 0:
                stop.append(time.monotonic() + seconds)
        except threading.BrokenBarrierError:
            return
        time.sleep(rnd.random())  # users do not all click at the same instant
        while not stop:
            time.sleep(0.01)
        while time.monotonic() < stop[0]:
            kind, path = rnd.choice(pages)
            path = path.format(q=urllib.parse.quote(rnd.choice(SEARCHES)))
            client = baseline_session if kind == "baseline" else session
            try:
                status, _data, elapsed = client.request("GET", path)
            except (http.client.HTTPException, OSError) as exc:
                with lock:
                    errors.append(f"{path}: {exc}")
                continue
            if status != 200:
                with lock:
                    errors.append(f"{path}: {status}")
            else:
                with lock:
                    timings.setdefault(kind, []).append(elapsed * 1000)
                    timings.setdefault(f"{kind} {path.split('?')[0]}", []).append(elapsed * 1000)
            time.sleep(1.0)

    threads = [threading.Thread(target=run, args=(i, *u), daemon=True) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    timings["_errors"] = errors  # type: ignore[assignment]
    return timings


def where_time_goes(py: int, region: str) -> list[str]:
    """Each page once, in this process, one request at a time: its time, its queries and the
    slowest of them (the answer to "why", next to the numbers under load)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from berdaya.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="kadis.bench"))
    pages = [
        ("dashboard, count kept", f"/dasbor/?py={py}"),
        ("dashboard, counted afresh", f"/dasbor/?py={py}&segar=1"),
        ("proposals by region and verdict", f"/usulan/?py={py}&region={region}&verdict=eligible"),
        ("people of a region", f"/orang/?regency={region}"),
        ("name search", "/orang/?q=" + urllib.parse.quote(SEARCHES[0])),
    ]
    lines = [
        "| page (one request) | time | queries | in the database | slowest query |",
        "|---|---|---|---|---|",
    ]
    for label, path in pages:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
        queries = ctx.captured_queries
        slowest = max(queries, key=lambda q: float(q["time"]))
        what = re.sub(r'"[a-z_0-9]+"\."([a-z_0-9]+)"', r"\1", slowest["sql"])
        what = re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", what.replace('"', ""), count=1)
        what = what[:90].replace("|", "/")
        lines.append(
            f"| {label} (`{path.split('?')[0]}`) | {elapsed:.0f} ms | {len(queries)} | "
            f"{sum(float(q['time']) for q in queries) * 1000:.0f} ms | "
            f"{float(slowest['time']) * 1000:.0f} ms: `{what}...` |"
        )
    return lines


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


# --- Report ------------------------------------------------------------------------------


def report(args, info: dict, runs: dict, workers: int) -> str:
    errors = [e for timings in runs.values() for e in timings.pop("_errors")]
    lines = [
        SECTION,
        "",
        f"`bench/dashboard_bench.py --people {args.people} --beneficiaries "
        f"{args.beneficiaries} --users {args.users} --seconds {args.seconds}`, "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}.",
        "",
        f"- Machine: {machine()}; PostgreSQL on the same machine; load average at start "
        f"{' '.join(f'{x:.1f}' for x in info['load'])}, at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (the machine is shared).",
        f"- Data: {info['people']:,} people (`berdaya synth --people {args.people}`, loaded "
        f"set-based in {info['people_s']:.1f} s); WRSE 2025: {info['proposals']:,} proposals "
        f"in {len(info['regions'])} regencies/cities, {info['approved']:,} beneficiaries "
        f"approved within quotas ({info['beneficiaries_s']:.1f} s, SQL INSERT ... SELECT).",
        f"- Server: granian {info['granian']} (WSGI), {workers} workers, as tools/serve.sh "
        "runs it; DEBUG off; sessions in the database; the dashboard's count kept 60 s.",
        f"- Load: {args.users} simulated users on loopback (half province staff, half "
        "regency/city operators), each waiting for its answer and then 1 s before the next "
        f"request; {args.seconds} s measured per run after a warm-up round; HTML only. One run "
        "per kind of page (judged against the targets), then one with all of them mixed; the "
        "sign-in page rides along in each as the baseline (the floor of the stack: granian, "
        "Django, middleware, a template, no query).",
        "",
        "| run: pages | requests | p50 | p95 | max | target (p95) |",
        "|---|---|---|---|---|---|",
    ]
    labels = {
        "dashboard": "dashboard (province, one region)",
        "list": "lists (proposals by region and verdict, pages 1 and 20; people of a region)",
        "search": "name search (people, spelling-tolerant)",
        "baseline": "baseline: the sign-in page",
    }
    for name, kinds in SCENARIOS:
        timings = runs[name]
        for kind in kinds:
            values = timings.get(kind, [])
            target = TARGETS.get(kind) if name != "mixed" else None
            p95 = pct(values, 95)
            verdict = ""
            if target:
                verdict = f"{target} ms: {'met' if p95 <= target else '**missed**'}"
            lines.append(
                f"| {name}: {labels[kind]} | {len(values)} | {pct(values, 50):.0f} ms | "
                f"{p95:.0f} ms | {max(values) if values else float('nan'):.0f} ms | {verdict} |"
            )
    fresh = info.get("fresh") or []
    lines += [
        "",
        "The dashboard keeps one count of the year's figures, of every regency/city, for "
        "`REPORTS_CACHE_SECONDS` (60 s, the default; the page says when it was counted and can "
        "count again); each reader is shown only their regions. Counted afresh (`?segar=1`), "
        "one request at a time after the load: "
        f"p50 {pct(fresh, 50):.0f} ms, max {max(fresh) if fresh else float('nan'):.0f} ms "
        f"({len(fresh)} requests).",
        "",
        "The lists' counts are kept by PostgreSQL as proposals, verifications and people "
        "change (triggers add rows of +n/-n per group; the page sums a region's rows): "
        "the proposals page no longer joins a region's proposals to their verifications "
        "(30 of its 70 ms in process on 2026-11-25), nor the people list counts a region's "
        "100,000 people (16 ms).",
        "",
        "Where the time goes, each page once after the load (in process, no other request):",
        "",
        *info.get("where", []),
        "",
        "Per address, mixed run (p50 / p95 / requests):",
        "",
    ]
    mixed = runs["mixed"]
    for key in sorted(k for k in mixed if " " in k):
        values = mixed[key]
        lines.append(
            f"- `{key.split(' ', 1)[1]}` ({key.split(' ')[0]}): "
            f"{pct(values, 50):.0f} / {pct(values, 95):.0f} ms / {len(values)}"
        )
    lines += [
        "",
        f"Errors (non-200 or refused): {len(errors)}"
        + (f", e.g. {errors[0]}" if errors else "")
        + ".",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _m: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


DB_NAME = "bench_dashboard"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def _load(args, env: dict, tmp: str) -> dict:
    """Synthesise and load the data; what was loaded is kept in the database for --reuse."""
    import json

    import psycopg

    print("synth ...", flush=True)
    berdaya(
        ["synth", "--people", str(args.people), "--seed", str(args.seed), "--out", tmp + "/synth"],
        env,
    )
    _setup_django(env)
    print("people ...", flush=True)
    people, people_s = load_people(env["DATABASE_URL"], Path(tmp) / "synth" / "register.csv")
    print("beneficiaries ...", flush=True)
    data = load_beneficiaries(env["DATABASE_URL"], args.beneficiaries)
    loaded = {
        "people": people,
        "people_s": people_s,
        "beneficiaries_s": data["seconds"],
        "data": data,
        **data,
        "args": {"people": args.people, "beneficiaries": args.beneficiaries, "seed": args.seed},
    }
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as con:
        con.execute("CREATE TABLE bench_loaded (info jsonb)")
        con.execute("INSERT INTO bench_loaded VALUES (%s)", [json.dumps(loaded)])
    return loaded


def _loaded(args) -> dict | None:
    """What an earlier run loaded, if it loaded the same sizes; else None (loaded afresh)."""
    import psycopg

    try:
        with psycopg.connect(DB_URL, autocommit=True) as con:
            loaded = con.execute("SELECT info FROM bench_loaded").fetchone()[0]
    except psycopg.Error:
        return None
    wanted = {"people": args.people, "beneficiaries": args.beneficiaries, "seed": args.seed}
    if loaded.get("args") != wanted:
        sys.exit(f"--reuse: {DB_NAME} holds {loaded.get('args')}, not {wanted}; run without it")
    print(f"reusing {DB_NAME}: {loaded['people']:,} people", flush=True)
    return loaded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--beneficiaries", type=int, default=50_000)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database an earlier run loaded (migrated to the code first)",
    )
    args = ap.parse_args()
    info: dict = {"load": os.getloadavg()}
    loaded = _loaded(args) if args.reuse else None
    with tempfile.TemporaryDirectory(prefix="berdaya-dash-") as tmp:
        env = {
            "DATABASE_URL": DB_URL if loaded else fresh_postgres(DB_NAME),
            "BERDAYA_VAR_DIR": tmp,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
        berdaya(["migrate", "-v0"], env)
        if loaded is None:
            loaded = _load(args, env, tmp)
        info.update(loaded)
        data = loaded["data"]
        import granian

        info["granian"] = granian.__version__
        _setup_django(env)
        port = free_port()
        server = start_server(env, port, args.workers)
        try:
            regions = data["regions"]
            users = []
            for i in range(args.users):
                region = regions[i % len(regions)]
                if i % 2 == 0:
                    users.append(("kadis.bench" if i % 4 == 0 else "auditor.bench", region, True))
                else:
                    users.append((f"op.{region}", region, False))
            runs = {}
            for name, kinds in SCENARIOS:
                print(f"load ({name}): {args.users} users for {args.seconds} s ...", flush=True)
                runs[name] = simulate(port, users, data["py"], args.seconds, args.seed, kinds)
            # Without the shared count: the province dashboard counted afresh, one request at
            # a time after the load (what the first reader after each minute waits).
            session = Session(port)
            session.sign_in("kadis.bench")
            fresh = []
            for _ in range(10):
                status, _d, elapsed = session.request("GET", f"/dasbor/?py={data['py']}&segar=1")
                if status == 200:
                    fresh.append(elapsed * 1000)
            info["fresh"] = fresh
            info["where"] = where_time_goes(data["py"], "64.72")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    text = report(args, info, runs, args.workers)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
