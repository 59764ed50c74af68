"""The import's services: record an import, then run it (the page queues the run, the command
runs it at once)."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.regions.codes import normalize_code
from berdaya.registry.columns import CellError, FileFormatError
from berdaya.registry.models import RegisterImport, RegisterRecord
from berdaya.registry.register_import import postgres, sqlite
from berdaya.registry.register_import.progress import set_fields
from berdaya.registry.signals import register_changed


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
    tmpdir = tempfile.mkdtemp(prefix="berdaya-register-")
    # The objects alive now (Django's, mostly) are left out of the collector's full passes,
    # which would otherwise walk them again and again while a million rows are read.
    gc.freeze()
    try:
        set_fields(run, status=RegisterImport.Status.STAGING)
        with open(run.file_path, "rb") as f:
            if connection.vendor == "postgresql":
                changed_ids = postgres.load(run, f, tmpdir, progress)
            else:
                changed_ids = sqlite.load(run, f, tmpdir, progress)
        set_fields(
            run,
            status=RegisterImport.Status.DONE,
            finished_at=timezone.now(),
            read_bytes=run.total_bytes,
        )
    except (FileFormatError, CellError, OSError) as exc:
        set_fields(
            run, status=RegisterImport.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return run
    except BaseException as exc:
        set_fields(
            run,
            status=RegisterImport.Status.FAILED,
            error=repr(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    finally:
        gc.unfreeze()
        shutil.rmtree(tmpdir, ignore_errors=True)
    if changed_ids:
        responses = register_changed.send(
            sender=RegisterRecord, import_run=run, record_ids=changed_ids
        )
        reverified = sum(r for _fn, r in responses if isinstance(r, int))
        set_fields(run, reverified=reverified)
    if progress:
        progress(run)
    return run
