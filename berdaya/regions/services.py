from __future__ import annotations

from django.db import transaction

from berdaya.regions.codes import all_regions


@transaction.atomic
def regions_sync(region_model=None) -> int:
    """Load or refresh the region table from the committed data file.

    Takes the model as a parameter so that the data migration can pass its historical model.
    Returns the number of regions created.
    """
    if region_model is None:
        from berdaya.regions.models import Region as region_model  # noqa: N813
    rows = all_regions()
    existing = {r.code: r for r in region_model.objects.all()}
    created = 0
    # Parents first: the data file is ordered province, regency, district, village.
    to_create, to_update = [], []
    for row in rows.values():
        values = {
            "level": row.level,
            "parent_id": row.parent or None,
            "name": row.name,
            "historical": row.historical,
            "successor": row.successor,
        }
        obj = existing.get(row.code)
        if obj is None:
            to_create.append(region_model(code=row.code, **values))
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            to_update.append(obj)
    for level in ("province", "regency", "district", "village"):
        batch = [o for o in to_create if o.level == level]
        region_model.objects.bulk_create(batch, batch_size=2000)
        created += len(batch)
    if to_update:
        region_model.objects.bulk_update(
            to_update, ["level", "parent", "name", "historical", "successor"], batch_size=2000
        )
    return created
