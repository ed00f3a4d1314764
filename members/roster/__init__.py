"""The monthly roster import (党员信息库): read the national member system's Excel export, compare it with the
members on record, preview every change, and apply all of it in one transaction; and the export in the same
columns.

One module per stage, each using only the ones before it:
  base (columns, errors, progress) → reading (the sheet) → checking (each row) → matching (who each row is)
  → planning (every change and error) → applying (stage, confirm, write); exporting stands aside.
A member is identified across imports without a national ID number (none is ever stored): matching.py says how,
and DESIGN.md why. The admin views and `manage.py import_roster` both call `stage_import` (read, check, preview)
and `apply_import`.
"""

from .applying import PREVIEW_LIMIT, apply_import, discard_import, discard_stale_imports, stage_import
from .base import HEADERS, RosterConflict, RosterFileError
from .exporting import export_response, export_rows, exported
from .planning import Plan, build_plan
from .reading import MAX_ROWS, MAX_UPLOAD_BYTES, read_roster

__all__ = [
    "HEADERS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "PREVIEW_LIMIT",
    "Plan",
    "RosterConflict",
    "RosterFileError",
    "apply_import",
    "build_plan",
    "discard_import",
    "discard_stale_imports",
    "export_response",
    "export_rows",
    "exported",
    "read_roster",
    "stage_import",
]
