"""Time the roster import on 5,000 members: generate the file, preview, apply, then import the export again.

    .venv/bin/python bench/roster_import.py [--rows 5000] [--database sqlite|postgres-url]

Runs against a throw-away database (a temporary SQLite file by default; `--database postgres://...` for a
PostgreSQL database that may be emptied) and prints the figures. Nothing is asserted: timings vary by machine.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database", default="", help="DATABASE_URL (default: a temporary SQLite file)")
    return parser.parse_args()


def main():
    args = parse_args()
    workdir = tempfile.mkdtemp(prefix="roster-bench-")
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if args.database:
        call_command("flush", verbosity=0, interactive=False)

    from openpyxl import Workbook

    from members import demo
    from members.models import Member
    from members.roster import HEADERS, apply_import, build_plan, export_rows, read_roster, stage_import

    branches = list(demo.seed_organizations().values())
    rng = random.Random(2026)

    def person(number):
        return [
            demo._random_name(rng) + ("" if number % 7 else "某"),
            rng.choice(["男", "女"]),
            rng.choice(branches).name,
            "预备党员" if rng.random() < 0.08 else "正式党员",
            datetime.date(1985, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 40)),
            demo._random_phone(rng),
            rng.choice(demo.POSTS),
        ]

    def workbook_bytes(rows):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["县直机关党员名册"])
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(row)
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def timed(label, function):
        start = time.perf_counter()
        result = function()
        print(f"{label:<44}{time.perf_counter() - start:7.2f} s")
        return result

    print(f"{args.rows} rows, database {django.db.connection.vendor}")
    rows = [person(number) for number in range(args.rows)]
    data = timed("generate the .xlsx", lambda: workbook_bytes(rows))
    print(f"{'file size':<44}{len(data) / 1024:7.0f} KiB")
    record, plan = timed("preview (read + check + compare), all new", lambda: stage_import(data, "bench.xlsx"))
    timed("apply: insert every member", lambda: apply_import(record.pk, expected_sha256=record.sha256))
    assert Member.objects.count() == args.rows, plan.summary

    # A month later: 2% moved, 2% left, 2% new, 5% with a new phone number.
    next_month = []
    for row in rows:
        roll = rng.random()
        if roll < 0.02:
            continue
        row = list(row)
        if roll < 0.04:
            row[2] = rng.choice(branches).name
        elif roll < 0.09:
            row[5] = demo._random_phone(rng)
        next_month.append(row)
    next_month += [person(args.rows + number) for number in range(args.rows // 50)]
    data = workbook_bytes(next_month)
    record, plan = timed("preview of next month's roster", lambda: stage_import(data, "bench-2.xlsx"))
    print(f"{'  changes':<44}{plan.summary}")
    timed("apply next month's changes", lambda: apply_import(record.pk, expected_sha256=record.sha256))

    exported = timed("export the roster", lambda: workbook_bytes(list(export_rows())))
    again = timed("preview of the export (round trip)", lambda: build_plan(read_roster(exported)))
    print(f"{'  round trip changes (must be 0)':<44}{len(again.entries):7d}")


if __name__ == "__main__":
    main()
