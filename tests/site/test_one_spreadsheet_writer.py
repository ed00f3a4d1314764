"""Every spreadsheet the site writes goes through dangjian.excel, which stores text as text."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_FOLDERS = ["awards", "disclosures", "home", "learning", "members", "messaging", "volunteers", "site"]
# Demo content builds sample attachments from fixed text: nothing a visitor typed reaches it.
ALLOWED = {Path("site/excel.py"), Path("disclosures/demo.py")}


def workbook_writers():
    for folder in APP_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name in {"Workbook", "writer", "DictWriter"}:
                        yield f"{relative}:{node.lineno}"


def test_no_module_writes_a_spreadsheet_past_the_helper():
    assert list(workbook_writers()) == []


def test_the_scan_finds_a_writer_where_there_is_one():
    # The scan itself works: the helper's own Workbook() call is what it would report.
    tree = ast.parse((ROOT / "site/excel.py").read_text(encoding="utf-8"))
    calls = [
        node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Workbook"
    ]
    assert calls
