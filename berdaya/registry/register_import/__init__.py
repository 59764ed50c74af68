"""Loading and refreshing the national register (DTKS/DTSEN) from an extract.

- `rows`: the rules for one row (`parse_register_row` and the cell readers), written once.
- `reading`: the file, read and checked in blocks of Arrow columns with those same readers.
- `staging`: IDs, row hashes and repeated IDs of each block; the refused rows' report; a
  thread that reads while the caller's thread stores.
- `postgres`, `sqlite`: each database's way of storing the blocks and merging them in one
  transaction (`berdaya.registry.register_sql` holds their SQL); `merge`: the counts and
  the one audit event of an import; `progress`: what pages see while it runs.
- `services`: `register_import_create` and `register_import_run`.
"""

from berdaya.registry.columns import map_headers
from berdaya.registry.register_import.rows import RowRefused, nik_is_valid, parse_register_row
from berdaya.registry.register_import.services import (
    register_changed,
    register_import_create,
    register_import_run,
)
from berdaya.registry.register_import.staging import refused_rows
from berdaya.registry.register_sql import DATA_COLUMNS, TRACKED

__all__ = [
    "DATA_COLUMNS",
    "TRACKED",
    "RowRefused",
    "map_headers",
    "nik_is_valid",
    "parse_register_row",
    "refused_rows",
    "register_changed",
    "register_import_create",
    "register_import_run",
]
