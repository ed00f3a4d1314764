"""Excel downloads: every list an office asks for is exported the same way (openpyxl, a Wagtail dependency)."""

import datetime
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    # Excel has no time zones: write aware times as Beijing wall-clock time.
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# A cell whose text starts with one of these is read by Excel as a formula (or DDE command): a name typed by a
# stranger, such as =HYPERLINK("http://…"), would run in the office's spreadsheet. Such text is stored as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def build_workbook(headers, rows, title="Sheet1"):
    """A workbook with one sheet: a bold header row, then the rows; columns sized to fit Chinese text."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(header)) * 2 + 2 for header in headers]
    for row in rows:
        values = [_cell(value) for value in row]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # openpyxl made it a formula ("f"): keep the characters, as typed
        for position, value in enumerate(values):
            text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime.datetime) else str(value or "")
            widths[position] = min(max(widths[position], len(text.encode("gbk", "replace")) + 2), 60)
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    return workbook


def xlsx_response(filename, headers, rows, title="Sheet1"):
    """An HTTP download of the rows as an .xlsx file with a Chinese file name."""
    buffer = BytesIO()
    build_workbook(headers, rows, title).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
