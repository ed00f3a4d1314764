"""去标识化: find ID numbers and mobile numbers in a notice's body and attachments before it is published."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.utils.html import strip_tags

from members.privacy import mask_phone

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{16}[\dXx])(?![0-9A-Za-z])")
# A mobile number, also written with the country code (+86, 0086, 86) in front.
MOBILE = re.compile(r"(?<![\d*])(?:(?:\+|00)?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![\d*])")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
CONTEXT = 12  # characters shown either side of a finding
MAX_TEXT = 2_000_000  # characters read from one attachment


@dataclass(frozen=True)
class Finding:
    kind: str  # "身份证号" or "手机号码"
    masked: str  # how it must be written instead
    place: str  # where it is: 正文第 2 段, 附件《…》
    context: str  # the text around it, with the number itself masked

    def __str__(self):
        return f"{self.place}：{self.kind} {self.masked}（……{self.context}……）"


def id_checksum_is_valid(number):
    digits = number[:17]
    total = sum(int(digit) * weight for digit, weight in zip(digits, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11] == number[17].upper()


def mask_id_number(number):
    return f"{number[:4]}{'*' * 10}{number[-4:]}"


def _context(text, start, end, masked):
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return re.sub(r"\s+", " ", f"{before}{masked}{after}").strip()


def find_personal_data(text, place):
    # NFKC folds full-width digits, letters and dashes (３５０１０２…, １３９－…) into the ASCII the patterns read.
    text = unicodedata.normalize("NFKC", text)
    findings = []
    for match in ID_NUMBER.finditer(text):
        number = match.group(1)
        if id_checksum_is_valid(number):
            masked = mask_id_number(number)
            findings.append(Finding("身份证号", masked, place, _context(text, match.start(), match.end(), masked)))
    for match in MOBILE.finditer(text):
        masked = mask_phone("".join(match.groups()))
        findings.append(Finding("手机号码", masked, place, _context(text, match.start(), match.end(), masked)))
    return findings


# Text of attachments -------------------------------------------------------------------------------------------


def _docx_text(handle):
    with zipfile.ZipFile(handle) as archive:
        parts = [name for name in archive.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name)]
        texts = []
        for name in parts:
            root = ElementTree.fromstring(archive.read(name))
            for paragraph in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
                texts.append(
                    "".join(
                        node.text or ""
                        for node in paragraph.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
                    )
                )
        return "\n".join(texts)


def _xlsx_text(handle):
    from openpyxl import load_workbook

    workbook = load_workbook(handle, read_only=True, data_only=True)
    lines, size = [], 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            line = " ".join(str(value) for value in row if value is not None)
            lines.append(line)
            size += len(line)
            if size > MAX_TEXT:
                return "\n".join(lines)
    return "\n".join(lines)


def _pdf_text(handle):
    from pypdf import PdfReader

    reader = PdfReader(handle)
    texts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        texts.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    return "\n".join(texts)


def _plain_text(handle):
    data = handle.read(MAX_TEXT)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


EXTRACTORS = {"docx": _docx_text, "xlsx": _xlsx_text, "pdf": _pdf_text, "txt": _plain_text, "csv": _plain_text}


def document_text(document):
    """The text of a document, or None when its format cannot be read (the reviewer then checks it by eye)."""
    extractor = EXTRACTORS.get(document.file_extension.lower())
    if extractor is None:
        return None
    try:
        with document.file.open("rb") as handle:
            return extractor(handle)
    except Exception:  # a damaged or disguised file: report it unreadable rather than fail the editor's save
        return None


# A notice ---------------------------------------------------------------------------------------------------


def body_texts(body):
    """(place, text) for each block of a notice body (a StreamValue)."""
    for number, block in enumerate(body, start=1):
        if block.block_type == "paragraph":
            yield f"正文第 {number} 段", strip_tags(block.value.source)
        elif block.block_type == "table":
            rows = (block.value or {}).get("data") or []
            yield f"正文第 {number} 段（表格）", "\n".join(" ".join(str(cell or "") for cell in row) for row in rows)
        elif block.block_type == "image":
            image = block.value
            alt = getattr(block.value, "contextual_alt_text", "") or ""
            yield f"正文第 {number} 段（图片说明）", f"{getattr(image, 'title', '')} {alt}"


def scan_notice_page(notice):
    """scan_notice() of a notice page as it stands (a revision's object, or the live page) with its attachments."""
    documents = [attachment.document for attachment in notice.attachments.all()]
    return scan_notice(notice.title, notice.summary, notice.body, documents)


def scan_notice(title, summary, body, documents):
    """Findings in a notice's title, summary, body and attached documents; and the attachments that could not be read."""
    findings = find_personal_data(title or "", "标题") + find_personal_data(summary or "", "摘要")
    for place, text in body_texts(body):
        findings += find_personal_data(text, place)
    unreadable = []
    for document in documents:
        text = document_text(document)
        if text is None:
            unreadable.append(document.title)
        else:
            findings += find_personal_data(text, f"附件《{document.title}》")
    return findings, unreadable
