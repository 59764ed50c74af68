"""Loading and refreshing the national register (DTKS/DTSEN) from an extract.

Set-based: the file is streamed into a staging table in committed batches (progress is visible
to other connections while it runs), then one transaction merges it with SQL: new rows
inserted, changed rows updated in place, rows of the file's regions that are no longer in the
extract marked as left. One audit event names the import; the per-row changes go to the audit
change table. A first load into an empty register builds the secondary indexes once, at the
end. Memory stays bounded: nothing holds more than one batch of rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.audit import audit_record
from berdaya.linkage.names import normalize_name
from berdaya.regions.codes import normalize_code
from berdaya.registry.columns import (
    LIFE_VALUES,
    RELATION_VALUES,
    SEX_VALUES,
    CellError,
    FileFormatError,
    map_headers,
    open_sheet,
    read_choice,
    read_date,
    read_decile,
    read_flag,
    read_id_number,
    read_text,
)
from berdaya.registry.models import RegisterImport, RegisterRecord, RegisterStage
from berdaya.registry.nik import NikError, parse_nik
from berdaya.registry.register_sql import REGISTER_INDEXES

BATCH = 5000
MAX_REPORTED = 10_000  # refused rows kept in the report; all are counted
REQUIRED = ("NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN", "KODE_WILAYAH")
STAGE_COLUMNS = [
    "import_run_id",
    "line",
    "source_id",
    "nik",
    "nik_valid",
    "kk",
    "name",
    "name_norm",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village_code",
    "regency_code",
    "decile",
    "relation",
    "occupation",
    "life_status",
    "disability",
    "extreme_poverty",
    "row_hash",
]
# Copied from the staging table into the register; the change table keeps these before/after.
DATA_COLUMNS = STAGE_COLUMNS[3:]
TRACKED = [
    "nik",
    "name",
    "birth_date",
    "sex",
    "village_code",
    "decile",
    "relation",
    "occupation",
    "life_status",
    "kk",
]

# Sent after a merge commits, with the ids of register records whose data changed (updated or
# left): verification re-checks the open proposals linked to them.
register_changed = Signal()

_norm_cache: dict[str, str] = {}


def _name_norm(name: str) -> str:
    # Registers repeat names a great deal; the cache is bounded so memory stays flat.
    value = _norm_cache.get(name)
    if value is None:
        value = normalize_name(name)
        if len(_norm_cache) < 200_000:
            _norm_cache[name] = value
    return value


class RowRefused(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def parse_register_row(cells: dict[str, Any]) -> dict[str, Any]:
    """A register row as stored, or RowRefused naming the field when it cannot be read."""

    def field(name: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except CellError as exc:
            raise RowRefused(name, str(exc)) from None

    nik = field("NIK", lambda: read_id_number(cells.get("NIK"), "NIK"))
    if not nik:
        raise RowRefused("NIK", _("NIK is empty."))
    name = read_text(cells.get("NAMA"))
    if not name:
        raise RowRefused("NAMA", _("NAMA is empty."))
    birth = field("TGL_LAHIR", lambda: read_date(cells.get("TGL_LAHIR"), "TGL_LAHIR"))
    sex = field(
        "JENIS_KELAMIN",
        lambda: read_choice(cells.get("JENIS_KELAMIN"), SEX_VALUES, "JENIS_KELAMIN"),
    )
    raw_code = read_text(cells.get("KODE_WILAYAH"))
    code = normalize_code(raw_code)
    if not code or len(code) < 5:
        raise RowRefused(
            "KODE_WILAYAH",
            _("KODE_WILAYAH %(value)s is not a region code.") % {"value": raw_code or "-"},
        )
    decile = field("DESIL", lambda: read_decile(cells.get("DESIL")))
    relation_raw = read_text(cells.get("HUBUNGAN_KELUARGA")).upper()
    relation = RELATION_VALUES.get(relation_raw, relation_raw)[:30]
    life_raw = read_text(cells.get("STATUS_HIDUP")).upper()
    life = LIFE_VALUES.get(life_raw, "HIDUP" if not life_raw else None)
    if life is None:
        raise RowRefused(
            "STATUS_HIDUP",
            _("STATUS_HIDUP %(value)s is not HIDUP or MENINGGAL.") % {"value": life_raw},
        )
    disability = field("DISABILITAS", lambda: read_flag(cells.get("DISABILITAS"), "DISABILITAS"))
    extreme = field(
        "KEMISKINAN_EKSTREM",
        lambda: read_flag(cells.get("KEMISKINAN_EKSTREM"), "KEMISKINAN_EKSTREM"),
    )
    kk = field("NO_KK", lambda: read_id_number(cells.get("NO_KK"), "NO_KK"))
    try:
        parse_nik(nik, birth_date_hint=birth)
        nik_valid = True
    except NikError:
        nik_valid = False
    row = {
        "nik": nik[:32],
        "nik_valid": nik_valid,
        "kk": kk[:32],
        "name": name[:150],
        "name_norm": _name_norm(name)[:150],
        "birth_place": read_text(cells.get("TEMPAT_LAHIR"))[:100],
        "birth_date": birth,
        "sex": sex,
        "address": read_text(cells.get("ALAMAT"))[:255],
        "village_code": code,
        "regency_code": code[:5],
        "decile": decile,
        "relation": relation,
        "occupation": read_text(cells.get("PEKERJAAN")).upper()[:80],
        "life_status": life,
        "disability": disability,
        "extreme_poverty": extreme,
    }
    source_id = read_text(cells.get("ID"))[:64]
    if not source_id:
        # Without the extract's ID a row is known by who it is.
        key = f"{nik}|{birth}|{row['name_norm']}"
        source_id = "H" + hashlib.sha1(key.encode()).hexdigest()[:30]
    row["source_id"] = source_id
    digest = hashlib.md5(
        "\x1f".join(str(row[c]) for c in DATA_COLUMNS[:-1]).encode(), usedforsecurity=False
    )
    row["row_hash"] = digest.hexdigest()
    return row


# ---------------------------------------------------------------------------------------------


def register_import_create(
    *, actor: Any, path: str, file_name: str = "", region: str = ""
) -> RegisterImport:
    """Record an import about to run (the page queues it; the command runs it at once)."""
    from berdaya.accounts.scope import require

    require(actor, "register.import")
    region_code = ""
    if region:
        region_code = normalize_code(region) or ""
        if len(region_code) != 5:
            raise CellError(
                _("--region %(value)s is not a regency/city code such as 64.72.")
                % {"value": region}
            )
    return RegisterImport.objects.create(
        file_name=file_name or os.path.basename(path),
        file_path=str(path),
        total_bytes=os.path.getsize(path),
        region_filter=region_code,
        started_by=actor if getattr(actor, "pk", None) else None,
    )


def register_import_run(
    import_id: int, progress: Callable[[RegisterImport], None] | None = None
) -> RegisterImport:
    """Run a recorded import: stage, merge, report. Safe to run again after a crash."""
    run = RegisterImport.objects.get(pk=import_id)
    RegisterStage.objects.filter(import_run=run).delete()
    try:
        with open(run.file_path, "rb") as f:
            run.sha256 = _sha256(f)
            f.seek(0)
            _set(run, status=RegisterImport.Status.STAGING, sha256=run.sha256)
            _stage(run, f, progress)
        _set(run, status=RegisterImport.Status.MERGING)
        if progress:
            progress(run)
        changed_ids = _merge(run)
        _set(
            run,
            status=RegisterImport.Status.DONE,
            finished_at=timezone.now(),
            read_bytes=run.total_bytes,
        )
    except (FileFormatError, CellError, OSError) as exc:
        RegisterStage.objects.filter(import_run=run).delete()
        _set(run, status=RegisterImport.Status.FAILED, error=str(exc), finished_at=timezone.now())
        return run
    except BaseException as exc:
        RegisterStage.objects.filter(import_run=run).delete()
        _set(
            run,
            status=RegisterImport.Status.FAILED,
            error=repr(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    RegisterStage.objects.filter(import_run=run).delete()
    if changed_ids:
        responses = register_changed.send(
            sender=RegisterRecord, import_run=run, record_ids=changed_ids
        )
        reverified = sum(r for _fn, r in responses if isinstance(r, int))
        _set(run, reverified=reverified)
    if progress:
        progress(run)
    return run


def _sha256(f) -> str:
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()


def _set(run: RegisterImport, **fields: Any) -> None:
    """Progress is written outside the merge transaction, so pages can show it meanwhile."""
    for k, v in fields.items():
        setattr(run, k, v)
    RegisterImport.objects.filter(pk=run.pk).update(**fields)


def _stage(run: RegisterImport, f, progress) -> None:
    sheet = open_sheet(f, run.file_name)
    mapped, _unknown = map_headers(sheet.headers)
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise FileFormatError(
            _("Required columns missing: %(cols)s. Found: %(found)s.")
            % {"cols": ", ".join(missing), "found": ", ".join(str(h) for h in sheet.headers)}
        )
    width = len(sheet.headers)
    report = io.StringIO()
    report_writer = csv.writer(report, lineterminator="\n")
    report_writer.writerow(["baris", "kolom", "alasan", "isi_baris"])
    batch: list[tuple] = []
    regions: set[str] = set()
    counts = {"read": 0, "refused": 0}
    seen_ids: set[str] = set()

    def refuse(line: int, field: str, reason: str, cells: list[Any]) -> None:
        counts["refused"] += 1
        if counts["refused"] <= MAX_REPORTED:
            report_writer.writerow([line, field, reason, "|".join(str(c) for c in cells)[:500]])

    for line, cells in sheet.rows:
        if len(cells) != width and sheet.kind == "csv":
            refuse(
                line,
                "-",
                _("The row has %(n)s fields; the header has %(m)s.")
                % {"n": len(cells), "m": width},
                cells,
            )
            continue
        record = {name: cells[i] for i, name in enumerate(mapped) if name and i < len(cells)}
        try:
            row = parse_register_row(record)
        except RowRefused as exc:
            refuse(line, exc.field, exc.reason, cells)
            continue
        if run.region_filter and row["regency_code"] != run.region_filter:
            continue
        if row["source_id"] in seen_ids:
            refuse(
                line,
                "ID",
                _("ID %(id)s appears more than once in the file; the first row was kept.")
                % {"id": row["source_id"]},
                cells,
            )
            continue
        seen_ids.add(row["source_id"])
        regions.add(row["regency_code"])
        counts["read"] += 1
        batch.append(tuple([run.pk, line] + [row[c] for c in STAGE_COLUMNS[2:]]))
        if len(batch) >= BATCH:
            _flush(batch)
            batch = []
            fields = {"rows_read": counts["read"], "rows_refused": counts["refused"]}
            if sheet.position:
                fields["read_bytes"] = sheet.position()
            _set(run, **fields)
            if progress:
                progress(run)
    if batch:
        _flush(batch)
    if run.region_filter:
        regions = {run.region_filter}
    _set(
        run,
        rows_read=counts["read"],
        rows_refused=counts["refused"],
        regions=sorted(regions),
        refused_report=report.getvalue() if counts["refused"] else "",
    )


def _flush(batch: list[tuple]) -> None:
    """One committed batch into the staging table: COPY on PostgreSQL, executemany on SQLite."""
    table = RegisterStage._meta.db_table
    cols = ", ".join(STAGE_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)


def _json_pairs(prefix: str) -> str:
    fn = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    inner = ", ".join(f"'{c}', {prefix}.{c}" for c in TRACKED)
    return f"{fn}({inner})"


@transaction.atomic
def _merge(run: RegisterImport) -> list[int]:
    """Merge the staged rows into the register in one transaction; return changed record ids."""
    reg = RegisterRecord._meta.db_table
    stage = RegisterStage._meta.db_table
    now = timezone.now()
    first_load = not RegisterRecord.objects.exists()
    event = audit_record(
        actor=run.started_by,
        actor_username=run.started_by.username if run.started_by else "",
        action="register.import",
        object_type="registry.registerimport",
        object_id=str(run.pk),
        object_repr=run.file_name,
        note=_("Register extract %(file)s") % {"file": run.file_name},
    )
    with connection.cursor() as c:
        if first_load:
            for name in REGISTER_INDEXES(connection.vendor):
                c.execute(f"DROP INDEX IF EXISTS {name}")
        changed_ids: list[int] = []
        updated = left = returned = 0
        if not first_load:
            # What changed, before and after, into the change table (one row per record).
            c.execute(
                f"""INSERT INTO core_auditchange (event_id, object_id, change, before, after)
                SELECT %s, CAST(r.id AS VARCHAR(64)), 'updated', {_json_pairs("r")},
                       {_json_pairs("s")}
                FROM {reg} r JOIN {stage} s ON s.source_id = r.source_id
                WHERE s.import_run_id = %s AND s.row_hash <> r.row_hash""",
                [event.pk, run.pk],
            )
            updated = c.rowcount
            sets = ", ".join(f"{col} = s.{col}" for col in DATA_COLUMNS)
            c.execute(
                f"""UPDATE {reg} AS r SET {sets}, present = %s, last_import_id = %s,
                       changed_at = %s
                FROM {stage} s
                WHERE s.import_run_id = %s AND s.source_id = r.source_id
                  AND (s.row_hash <> r.row_hash OR r.present = %s)""",
                [True, run.pk, now, run.pk, False],
            )
            returned = max(0, c.rowcount - updated)
            regions = list(run.regions)
            if regions:
                marks = ", ".join(["%s"] * len(regions))
                c.execute(
                    f"""INSERT INTO core_auditchange (event_id, object_id, change, before, after)
                    SELECT %s, CAST(r.id AS VARCHAR(64)), 'left', NULL, NULL FROM {reg} r
                    WHERE r.present = %s AND r.regency_code IN ({marks})
                      AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE s.import_run_id = %s
                                      AND s.source_id = r.source_id)""",
                    [event.pk, True, *regions, run.pk],
                )
                left = c.rowcount
                c.execute(
                    f"""UPDATE {reg} SET present = %s, changed_at = %s, last_import_id = %s
                    WHERE present = %s AND regency_code IN ({marks})
                      AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE s.import_run_id = %s
                                      AND s.source_id = {reg}.source_id)""",
                    [False, now, run.pk, True, *regions, run.pk],
                )
            c.execute(
                """SELECT CAST(object_id AS BIGINT) FROM core_auditchange
                WHERE event_id = %s AND change IN ('updated', 'left')""",
                [event.pk],
            )
            changed_ids = [row[0] for row in c.fetchall()]
        cols = ", ".join(DATA_COLUMNS)
        scols = ", ".join(f"s.{col}" for col in DATA_COLUMNS)
        new_filter = (
            ""
            if first_load
            else (f"AND NOT EXISTS (SELECT 1 FROM {reg} r WHERE r.source_id = s.source_id)")
        )
        c.execute(
            f"""INSERT INTO {reg} (source_id, {cols}, nik_duplicate, present, first_import_id,
                                   last_import_id, changed_at)
            SELECT s.source_id, {scols}, %s, %s, %s, %s, %s FROM {stage} s
            WHERE s.import_run_id = %s {new_filter}""",
            [False, True, run.pk, run.pk, now, run.pk],
        )
        inserted = c.rowcount
        if not first_load and inserted:
            c.execute(
                f"""INSERT INTO core_auditchange (event_id, object_id, change, before, after)
                SELECT %s, CAST(r.id AS VARCHAR(64)), 'created', NULL, NULL FROM {reg} r
                WHERE r.first_import_id = %s""",
                [event.pk, run.pk],
            )
        if first_load:
            if connection.vendor == "postgresql":
                # Foreign keys are checked at commit; pending checks would block CREATE INDEX.
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in REGISTER_INDEXES(connection.vendor).values():
                c.execute(sql)
        # Duplicate NIKs among the present rows, recomputed for the NIKs this file touched.
        touched = (
            ""
            if first_load
            else (f"AND nik IN (SELECT nik FROM {stage} WHERE import_run_id = {int(run.pk)})")
        )
        c.execute(
            f"""UPDATE {reg} SET nik_duplicate = (nik IN (
                    SELECT nik FROM {reg} WHERE present = %s GROUP BY nik HAVING COUNT(*) > 1))
            WHERE 1 = 1 {touched}""",
            [True],
        )
        c.execute(
            f"SELECT COUNT(*) FROM {reg} WHERE nik_duplicate = %s AND last_import_id = %s",
            [True, run.pk],
        )
        duplicates = c.fetchone()[0]
        c.execute(
            f"SELECT COUNT(*) FROM {stage} WHERE import_run_id = %s AND nik_valid = %s",
            [run.pk, False],
        )
        invalid = c.fetchone()[0]
    unchanged = run.rows_read - inserted - updated - returned
    summary = {
        "rows_read": run.rows_read,
        "rows_refused": run.rows_refused,
        "inserted": inserted,
        "updated": updated,
        "unchanged": unchanged,
        "left": left,
        "returned": returned,
        "invalid_nik": invalid,
        "duplicate_nik": duplicates,
        "regions": run.regions,
        "first_load": first_load,
    }
    event.after = summary
    event.region_code = run.region_filter
    event.save(update_fields=["after", "region_code"])
    _set(
        run,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        left=left,
        returned=returned,
        invalid_nik=invalid,
        duplicate_nik=duplicates,
        audit_event=event,
    )
    return changed_ids


def refused_rows(run: RegisterImport) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(run.refused_report))
