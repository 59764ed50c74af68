"""The end of every load: the merge's counts, the audit event and the import's record."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from berdaya.core.audit import audit_record
from berdaya.registry import register_sql
from berdaya.registry.models import RegisterImport
from berdaya.registry.register_import.progress import set_fields
from berdaya.registry.register_import.staging import Store


def audit_event(run: RegisterImport):
    """The one audit event of an import; a refresh's per-row changes name it."""
    return audit_record(
        actor=run.started_by,
        actor_username=run.started_by.username if run.started_by else "",
        action="register.import",
        object_type="registry.registerimport",
        object_id=str(run.pk),
        object_repr=run.file_name,
        note=_("Register extract %(file)s") % {"file": run.file_name},
    )


def merge_end(
    cursor: Any, run: RegisterImport, store: Store, event, first_load: bool, now
) -> list[int]:
    """Finish the merge (the rows are in the register or the staging table) and record it.

    Returns the ids of the records whose data changed (a refresh's updated rows and leavers).
    """
    changed_ids: list[int] = []
    if first_load:
        register_sql.first_load_end(cursor, store.duplicate_niks)
        inserted, updated, left, returned = store.rows, 0, 0, 0
        # Every row is new and present: the rows sharing a NIK are those staging counted.
        duplicates = store.duplicate_rows
    else:
        result = register_sql.refresh(
            cursor, run_id=run.pk, event_id=event.pk, regions=list(run.regions), now=now
        )
        inserted, updated = result["inserted"], result["updated"]
        left, returned = result["left"], result["returned"]
        changed_ids = result["changed_ids"]
        duplicates = register_sql.duplicates_of_run(cursor, run.pk)
    unchanged = run.rows_read - inserted - updated - returned
    summary = {
        "rows_read": run.rows_read,
        "rows_refused": run.rows_refused,
        "inserted": inserted,
        "updated": updated,
        "unchanged": unchanged,
        "left": left,
        "returned": returned,
        "invalid_nik": store.invalid,
        "duplicate_nik": duplicates,
        "regions": run.regions,
        "first_load": first_load,
    }
    event.after = summary
    event.region_code = run.region_filter
    event.save(update_fields=["after", "region_code"])
    set_fields(
        run,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        left=left,
        returned=returned,
        invalid_nik=store.invalid,
        duplicate_nik=duplicates,
        audit_event=event,
    )
    return changed_ids
