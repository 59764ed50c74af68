"""The register's secondary indexes, by fixed name: dropped before a first load, built after."""

from __future__ import annotations

TABLE = "registry_registerrecord"


def REGISTER_INDEXES(vendor: str) -> dict[str, str]:  # noqa: N802 (a constant per vendor)
    indexes = {
        "registry_register_nik": (
            f"CREATE INDEX IF NOT EXISTS registry_register_nik ON {TABLE} (nik)"
        ),
        "registry_register_regency": (
            f"CREATE INDEX IF NOT EXISTS registry_register_regency ON {TABLE} "
            "(regency_code, present)"
        ),
        "registry_register_birth": (
            f"CREATE INDEX IF NOT EXISTS registry_register_birth ON {TABLE} (birth_date, sex)"
        ),
        "registry_register_name": (
            f"CREATE INDEX IF NOT EXISTS registry_register_name ON {TABLE} (name_norm)"
        ),
        "registry_register_kk": f"CREATE INDEX IF NOT EXISTS registry_register_kk ON {TABLE} (kk)",
        "registry_register_village": (
            f"CREATE INDEX IF NOT EXISTS registry_register_village ON {TABLE} (village_code)"
        ),
    }
    if vendor == "postgresql":
        indexes["registry_register_name_trgm"] = (
            "CREATE INDEX IF NOT EXISTS registry_register_name_trgm ON "
            f"{TABLE} USING gin (name_norm gin_trgm_ops)"
        )
    return indexes
