"""Stage 1, reading: the header and data rows of the first sheet that has a roster header, streamed."""

import zipfile
from dataclasses import dataclass
from io import BytesIO

from .base import FIELD_LABELS, HEADER_ALIASES, REQUIRED_FIELDS, RosterFileError, advance, no_progress, normalize_text

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a small upload that unpacks to gigabytes is refused unread
MAX_ROWS = 20_000
MAX_BLANK_ROWS = 5_000  # formatted but empty rows tolerated in a sheet
HEADER_SEARCH_ROWS = 10  # a title row (or a few) may stand above the header


@dataclass
class RosterSheet:
    header_row: int
    columns: dict  # field -> column index
    rows: list  # [(Excel row number, tuple of cell values)]


def _header_fields(values):
    """{field: column index} for a candidate header row, and the names of columns given twice."""
    lookup = {normalize_text(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
    columns, repeated = {}, []
    for index, value in enumerate(values):
        name = lookup.get(normalize_text(value))
        if name is None:
            continue  # unknown extra columns are ignored
        if name in columns:
            repeated.append(FIELD_LABELS[name])
        columns[name] = index
    return columns, repeated


def _open_workbook(data):
    from openpyxl import load_workbook

    if not data:
        raise RosterFileError("上传的文件是空的。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(f"文件太大（超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），请确认选择的是党员名册。")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterFileError("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 格式后再上传。")
    if not zipfile.is_zipfile(BytesIO(data)):
        raise RosterFileError("文件不是 Excel 工作簿（.xlsx），请上传从党员信息系统导出的 .xlsx 文件。")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise RosterFileError("文件已损坏，无法读取，请重新导出后上传。") from error
    if unpacked > MAX_UNZIPPED_BYTES:
        raise RosterFileError("文件解压后过大，不像是党员名册，已拒绝读取。")
    try:
        # read_only streams the rows: a sheet of any length never sits in memory whole.
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a zip that is not a workbook
        raise RosterFileError("文件不是有效的 Excel 工作簿（.xlsx），无法读取。") from error


def read_roster(data, progress=no_progress):
    """The header and data rows of the first sheet that has a roster header. Raises RosterFileError."""
    workbook = _open_workbook(data)
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            found = _read_sheet(sheet, progress)
            if found is not None:
                return found
    finally:
        workbook.close()
    names = "、".join(f"“{FIELD_LABELS[name]}”" for name in REQUIRED_FIELDS)
    raise RosterFileError(f"未找到表头：表格前 {HEADER_SEARCH_ROWS} 行中没有包含 {names} 的一行。")


def _read_sheet(sheet, progress):
    declared_rows = sheet.max_row or 0
    # Exporters sometimes declare a wrong size; read what is there.
    sheet.reset_dimensions()
    rows_iter = sheet.iter_rows(min_row=1, values_only=True)
    header_row, columns = None, None
    for number, values in enumerate(rows_iter, start=1):
        if number > HEADER_SEARCH_ROWS:
            return None
        candidate, repeated = _header_fields(values)
        if "name" in candidate:
            if repeated:
                raise RosterFileError(f"表头第 {number} 行中“{'、'.join(repeated)}”列出现了不止一次。")
            missing = [FIELD_LABELS[name] for name in REQUIRED_FIELDS if name not in candidate]
            if missing:
                raise RosterFileError(f"表头（第 {number} 行）缺少“{'”“'.join(missing)}”列。")
            header_row, columns = number, candidate
            break
    if header_row is None:
        return None

    rows, blank = [], 0
    with progress("读取名册", max(declared_rows - header_row, 0)) as bar:
        for number, values in enumerate(rows_iter, start=header_row + 1):
            if not any(normalize_text(value) for value in values):
                blank += 1
                if blank > MAX_BLANK_ROWS:
                    raise RosterFileError("表格中空行过多，请删除多余的空行后再上传。")
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterFileError(
                    f"表格超过 {MAX_ROWS:,} 行数据，超出本站一次导入的上限，请确认选择的是本县党员名册。"
                )
            rows.append((number, tuple(values)))
            advance(bar)
    if not rows:
        raise RosterFileError("表格中只有表头，没有党员数据。")
    return RosterSheet(header_row, columns, rows)
