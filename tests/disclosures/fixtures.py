"""Fixtures for the disclosures tests (loaded through pytest_plugins in tests/conftest.py)."""

import io

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from disclosures.choices import Scope
from disclosures.models import DisclosureIndexPage, DisclosureNoticePage, NoticeAttachment, NoticeCategory
from members import roles


@pytest.fixture
def disclosure_index(home_page):
    index = DisclosureIndexPage(title="党务公开", slug="dwgk", show_in_menus=True)
    home_page.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def category(db):
    return NoticeCategory.objects.get(name="组织建设")


def make_document(title, content=b"plain text", extension="txt"):
    Document = get_document_model()
    document = Document(title=title)
    document.file.save(f"{title}.{extension}", ContentFile(content), save=False)
    document.save()
    return document


def docx_bytes(*paragraphs):
    from disclosures.demo import _docx

    return _docx(list(paragraphs))


def xlsx_bytes(*rows):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text):
    """A one-page PDF showing `text` (ASCII) in Helvetica, built by hand with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return output.getvalue()


@pytest.fixture
def make_notice(disclosure_index, category, org_tree):
    def make(
        title, scope=Scope.PUBLIC, organizations=(), attachments=(), publish=True, body="<p>正文内容</p>", **fields
    ):
        fields.setdefault("issuing_organization", org_tree["committee"])
        fields.setdefault("category", category)
        notice = DisclosureNoticePage(title=title, scope=scope, body=[("paragraph", body)], live=False, **fields)
        notice.attachments = [NoticeAttachment(document=document) for document in attachments]
        notice.scope_organizations = list(organizations)
        disclosure_index.add_child(instance=notice)
        revision = notice.save_revision()
        if publish:
            revision.publish()
            notice.refresh_from_db()
        return notice

    return make


@pytest.fixture
def outsider(make_member, org_tree):
    """A member of another 片组's branch: outside the finance branch's scope."""
    return make_member("member2", org_tree["health_branch"], name="王建军")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", roles.REVIEWER)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles.APPROVER)
