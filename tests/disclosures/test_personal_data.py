import pytest
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset

from disclosures.models import DisclosureNoticePage
from disclosures.personal_data import document_text, find_personal_data, id_checksum_is_valid, mask_id_number

from .fixtures import docx_bytes, make_document, pdf_bytes, xlsx_bytes
from .test_workflow import create, notice_form

VALID_ID = "11010519491231002X"  # the checksum example of GB 11643
INVALID_ID = "110105194912310021"


def test_id_checksum():
    assert id_checksum_is_valid(VALID_ID)
    assert not id_checksum_is_valid(INVALID_ID)


def test_findings_with_place_and_masked_form():
    text = f"联系人张丽华，身份证号{VALID_ID}，电话 138-5751-2345。"
    findings = find_personal_data(text, "正文第 1 段")
    assert [(finding.kind, finding.masked, finding.place) for finding in findings] == [
        ("身份证号", mask_id_number(VALID_ID), "正文第 1 段"),
        ("手机号码", "138****2345", "正文第 1 段"),
    ]
    assert mask_id_number(VALID_ID) == "1101**********002X"
    assert VALID_ID not in str(findings[0])  # the report itself does not repeat the number


def full_width(text):
    return "".join(chr(ord(character) + 0xFEE0) if "!" <= character <= "~" else character for character in text)


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        (f"身份证号{full_width(VALID_ID)}", "身份证号", "1101**********002X"),
        (f"电话{full_width('13905912345')}", "手机号码", "139****2345"),
        (f"电话{full_width('139-0591-2345')}", "手机号码", "139****2345"),
        ("电话+8613905912345", "手机号码", "139****2345"),
        ("电话 +86 139 0591 2345", "手机号码", "139****2345"),
        ("电话0086-13905912345", "手机号码", "139****2345"),
        ("电话8613905912345", "手机号码", "139****2345"),
    ],
)
def test_full_width_digits_and_country_codes_are_found(text, kind, masked):
    findings = find_personal_data(text, "正文")
    assert [(finding.kind, finding.masked) for finding in findings] == [(kind, masked)]


@pytest.mark.parametrize(
    "text",
    [
        "身份证号1101**********002X，电话138****2345",  # masked already
        "订单号 8613857512345678",  # a country code and a mobile number inside a longer number
        f"编号{INVALID_ID}",  # fails the checksum
        "文号新机党〔2026〕12号，索引号JGGW-2026-0001，金额 23800000000 元",  # 11 digits not a mobile prefix
        "订单号 913857512345678",  # a mobile number inside a longer number
    ],
)
def test_no_false_alarms(text):
    assert find_personal_data(text, "正文") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("docx", docx_bytes("发展对象公示", f"身份证号 {VALID_ID}", "联系电话 13857512345")),
        ("xlsx", xlsx_bytes(["姓名", "身份证号", "手机号码"], ["张丽华", VALID_ID, "13857512345"])),
        ("pdf", pdf_bytes(f"ID {VALID_ID} Tel 13857512345")),
        ("txt", f"身份证号 {VALID_ID} 手机 13857512345".encode("gb18030")),
    ],
)
def test_attachments_of_real_formats_are_read(extension, content):
    text = document_text(make_document(f"名单.{extension}", content, extension))
    kinds = sorted(finding.kind for finding in find_personal_data(text, "附件"))
    assert kinds == ["手机号码", "身份证号"]


@pytest.mark.django_db
def test_a_damaged_file_is_reported_unreadable_not_crashed():
    assert document_text(make_document("损坏的文件", b"not really a zip", "docx")) is None


@pytest.mark.django_db
def test_a_public_notice_with_personal_data_cannot_go_to_review(
    client, editor_user, disclosure_index, category, org_tree
):
    client.force_login(editor_user)
    body = "<p>请与张丽华同志联系，电话13857512345。</p>"
    response = create(
        client, disclosure_index, notice_form(category, org_tree, body=body, **{"action-submit": "submit"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "含有未遮盖的个人信息" in html
    assert "正文第 1 段：手机号码 138****2345" in html
    assert not DisclosureNoticePage.objects.filter(slug="theme-day").exists()


@pytest.mark.django_db
def test_an_attachment_with_an_id_number_blocks_a_public_notice(
    client, editor_user, disclosure_index, category, org_tree
):
    client.force_login(editor_user)
    document = make_document("发展对象名单", docx_bytes(f"张丽华 {VALID_ID}"), "docx")
    data = notice_form(
        category,
        org_tree,
        attachments=inline_formset([{"document": document.pk, "title": ""}]),
        **{"action-submit": "1"},
    )
    response = create(client, disclosure_index, data)
    assert response.status_code == 200
    assert "附件《发展对象名单》：身份证号 1101**********002X" in response.content.decode()


@pytest.mark.django_db
def test_masked_numbers_pass_and_drafts_may_be_saved(client, editor_user, disclosure_index, category, org_tree):
    client.force_login(editor_user)
    masked = "<p>联系电话138****2345，身份证号1101**********002X。</p>"
    assert (
        create(
            client, disclosure_index, notice_form(category, org_tree, body=masked, **{"action-submit": "1"})
        ).status_code
        == 302
    )
    # An unmasked draft may be saved (the editor is still working on it); it shows the findings.
    unmasked = "<p>电话13857512345</p>"
    response = create(client, disclosure_index, notice_form(category, org_tree, body=unmasked, slug="draft-notice"))
    assert response.status_code == 302
    draft = DisclosureNoticePage.objects.get(slug="draft-notice")
    edit_page = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert "发现 1 处未遮盖的个人信息" in edit_page


@pytest.mark.django_db
def test_internal_notices_may_name_members(client, editor_user, disclosure_index, category, org_tree):
    client.force_login(editor_user)
    body = "<p>请与组织委员联系，电话13857512345。</p>"
    data = notice_form(category, org_tree, body=body, scope="all_members", **{"action-submit": "1"})
    assert create(client, disclosure_index, data).status_code == 302


@pytest.mark.django_db
def test_reviewers_cannot_approve_a_public_notice_that_still_shows_personal_data(
    client, editor_user, reviewer, disclosure_index, category, org_tree
):
    # Submitted clean, then changed: the reviewer's approve button is withheld and a forced approval refused.
    client.force_login(editor_user)
    create(client, disclosure_index, notice_form(category, org_tree, **{"action-submit": "1"}))
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    notice.body = [("paragraph", "<p>联系人手机13857512345</p>")]
    notice.save_revision(user=editor_user)
    task_state = TaskState.objects.get(workflow_state__object_id=str(notice.pk), status="in_progress")
    assert [action for action, *_ in task_state.task.specific.get_actions(notice, reviewer)] == ["reject"]
    client.force_login(reviewer)
    client.post(f"/admin/pages/workflow/action/{notice.pk}/approve/{task_state.pk}/", {"comment": ""})
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"
    notice.refresh_from_db()
    assert not notice.live
    assert "手机号码，应写作 138****2345" in client.get(f"/admin/pages/{notice.pk}/edit/").content.decode()


@pytest.mark.django_db
def test_a_full_width_id_number_blocks_submission_of_an_autosaved_draft(
    client, editor_user, disclosure_index, category, org_tree
):
    """The editor's autosave has stored a draft before he clicks submit: the submit from the edit view is gated too."""
    client.force_login(editor_user)
    body = f"<p>发展对象张某，身份证号{full_width(VALID_ID)}。</p>"
    assert create(client, disclosure_index, notice_form(category, org_tree, body=body)).status_code == 302
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    response = client.post(
        f"/admin/pages/{notice.pk}/edit/", notice_form(category, org_tree, body=body, **{"action-submit": "submit"})
    )
    assert response.status_code == 200
    assert "含有未遮盖的个人信息" in response.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(notice.pk)).exists()


@pytest.mark.django_db
def test_a_crafted_approve_url_cannot_pass_another_notices_personal_data(
    client, editor_user, reviewer, disclosure_index, category, org_tree
):
    """The approve URL names a clean notice and the task state of one that shows a mobile number."""
    client.force_login(editor_user)
    create(client, disclosure_index, notice_form(category, org_tree, **{"action-submit": "1"}))
    clean = DisclosureNoticePage.objects.get(slug="theme-day")
    create(
        client,
        disclosure_index,
        notice_form(category, org_tree, title="第二份通知", slug="second", **{"action-submit": "1"}),
    )
    flagged = DisclosureNoticePage.objects.get(slug="second")
    flagged.body = [("paragraph", "<p>联系人手机13857512345</p>")]
    flagged.save_revision(user=editor_user)
    flagged_task = TaskState.objects.get(workflow_state__object_id=str(flagged.pk), status="in_progress")

    client.force_login(reviewer)
    response = client.post(f"/admin/pages/workflow/action/{clean.pk}/approve/{flagged_task.pk}/", {"comment": ""})
    assert response.status_code in (302, 403)  # Wagtail's permission-denied redirect
    flagged_task.refresh_from_db()
    assert flagged_task.status == "in_progress"
    flagged.refresh_from_db()
    assert not flagged.live
