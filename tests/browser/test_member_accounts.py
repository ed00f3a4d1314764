"""Browser: 党务干部 imports a roster, opens the new members' logins from the import's page, reads an initial
password off the slip; the member logs in, must change it, and reaches /me/. Also the searchable choosers."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Member, PendingPasswordChange, RosterImport
from members.widgets import OrganizationCheckboxSelectMultiple
from tests.browser.actions import admin_log_in
from tests.members.conftest import roster_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp/acc"


def shot(page, name):
    Path(SCREENSHOTS).mkdir(exist_ok=True)
    page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def admin_login(page, base, username="editor"):
    admin_log_in(page, base, username)


def no_wider_than(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_new_members_get_logins_from_the_import_and_must_change_the_password(
    live_server, browser, editor_user, member_user, org_tree, tmp_path, width
):
    member = member_user.member
    member.joined_on = datetime.date(2008, 7, 1)
    member.save()
    roster = tmp_path / "2026年12月党员名册.xlsx"
    roster.write_bytes(
        roster_bytes(
            [
                ["张丽华", "女", "县财政局机关党支部", "正式党员", "2008-07-01", "13857512345", ""],
                ["孙晓东", "男", "县财政局机关党支部", "预备党员", "2026-01-10", "15800003333", ""],
                ["钱佳怡", "女", "县卫生健康局机关党支部", "正式党员", "2019-07-01", "", ""],
            ],
            title="县直机关党员名册",
        )
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    external = []
    page.on(
        "request", lambda request: None if request.url.startswith(("data:", base)) else external.append(request.url)
    )
    admin_login(page, base)

    page.goto(base + "/admin/roster/")
    page.set_input_files("input[type=file]", str(roster))
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_role("heading", name="新增（2）").wait_for()
    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("heading", name="导入记录").wait_for()
    assert page.get_by_text("本次新增的党员中有 2 人还没有登录账号").is_visible()

    page.get_by_role("link", name="为新增党员开通登录账号").click()
    page.get_by_role("heading", name="将为以下 2 名党员开通登录账号").wait_for()
    shot(page, f"confirm-{width}")
    page.get_by_role("button", name="开通 2 个登录账号").click()
    page.get_by_role("heading", name="已开通 2 个登录账号").wait_for()
    assert page.get_by_role("button", name="打印登录通知单").is_visible()  # shown by members/accounts.js
    assert no_wider_than(page, width)
    shot(page, f"issued-{width}")

    slip = page.locator(".account-slip", has_text="孙晓东")
    username = slip.locator("[data-slip-username]").inner_text().strip()
    password = slip.locator("[data-slip-password]").inner_text().strip()
    sun = Member.objects.get(name="孙晓东")
    assert username == f"m{sun.pk:04d}" and len(password) == 10
    assert "首次登录须修改密码" in slip.inner_text() and "县财政局机关党支部" in slip.inner_text()
    assert f"{base}/accounts/login/" in slip.inner_text()

    # The Excel file of the slips, from this page itself.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Excel（登录通知单）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(Path(download.path()).read_bytes())).active
    assert [username, password] in [list(row[2:4]) for row in sheet.iter_rows(values_only=True)]

    # Printed: the slips only, one per member.
    page.emulate_media(media="print")
    shot(page, f"issued-print-{width}")
    assert page.locator(".account-slip").count() == 2
    page.emulate_media(media="screen")

    # A reload re-submits the form: the passwords are not shown again.
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    assert page.locator("[data-slip-password]").count() == 0
    assert password not in page.content()
    assert external == []
    context.close()

    # The new member logs in on the site and is sent to change his password.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    phone = context.new_page()
    phone.goto(base + "/accounts/login/")
    phone.get_by_label("用户名").fill(username)
    phone.get_by_label("密码").fill(password)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{base}/accounts/password_change/?next=%2Fme%2F")
    assert phone.get_by_text("您正在使用党务干部发放的初始密码").is_visible()
    shot(phone, f"change-{width}")
    phone.goto(base + "/me/")
    assert "/accounts/password_change/" in phone.url  # no way around it
    phone.get_by_label("初始密码").fill(password)
    phone.get_by_label("新密码", exact=True).fill(password)
    phone.get_by_label("新密码确认").fill(password)
    phone.get_by_role("button", name="保存新密码").click()
    assert phone.get_by_text("新密码不能与初始密码相同").is_visible()

    phone.get_by_label("初始密码").fill(password)
    phone.get_by_label("新密码", exact=True).fill("Hongqi2026!xq")
    phone.get_by_label("新密码确认").fill("Hongqi2026!xq")
    phone.get_by_role("button", name="保存新密码").click()
    phone.wait_for_url(base + "/me/")
    assert phone.get_by_role("heading", name="孙晓东").is_visible()
    assert phone.get_by_text("密码已修改").is_visible()
    assert no_wider_than(phone, width)
    shot(phone, f"me-{width}")
    assert not PendingPasswordChange.objects.filter(user__username=username).exists()
    assert RosterImport.objects.get().status == RosterImport.Status.APPLIED
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_organization_chooser_finds_a_branch_by_a_part_of_its_name(
    live_server, browser, editor_user, org_tree, width
):
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    admin_login(page, base)
    page.goto(base + "/admin/snippets/members/member/add/")
    page.get_by_role("button", name="选择 党组织").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_placeholder("输入名称的一部分，如“财政”").fill("财政")
    expect(modal.get_by_role("link", name="县卫生健康局机关党支部")).to_have_count(0)  # the results are replaced
    expect(modal.get_by_role("link", name="县财政局第二党支部")).to_have_count(1)
    shot(page, f"chooser-{width}")
    modal.get_by_role("link", name="县财政局机关党支部").click()
    page.locator("[data-chooser-title]", has_text="县财政局机关党支部").wait_for()
    page.get_by_label("姓名").fill("孙晓东")
    page.get_by_label("入党日期").fill("2026-01-10")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("孙晓东").first.wait_for()
    assert Member.objects.get(name="孙晓东").organization == org_tree["finance_branch"]
    context.close()


def test_the_organization_filter_keeps_checked_entries_and_their_parents(browser, org_tree, phone_page):
    from django import forms

    class ScopeForm(forms.Form):
        organizations = forms.ModelMultipleChoiceField(
            org_tree["committee"].descendants(), widget=OrganizationCheckboxSelectMultiple, required=False
        )

    html = str(ScopeForm()["organizations"])
    static = Path(settings.BASE_DIR) / "members" / "static" / "members"
    page = phone_page
    page.set_content(f'<!DOCTYPE html><html lang="zh-CN"><body><form>{html}</form></body></html>')
    page.add_style_tag(path=str(static / "filterable-choices.css"))
    page.add_script_tag(path=str(static / "filterable-choices.js"))
    box = page.get_by_label("筛选")

    def visible():
        return [label.strip() for label in page.locator("li:not([hidden]) label").all_inner_texts()]

    everything = [
        "县直机关工委",
        "第一片组",
        "县财政局",
        "县财政局机关党支部",
        "县财政局第二党支部",
        "第二片组",
        "县卫生健康局",
        "县卫生健康局机关党支部",
    ]
    assert box.is_visible() and visible() == everything
    box.fill("财政")
    # The matches, with their parents for context.
    assert visible() == ["县直机关工委", "第一片组", "县财政局", "县财政局机关党支部", "县财政局第二党支部"]
    assert page.locator("li.is-context").count() == 2
    assert "找到 3 项" in page.locator("[data-filterable-choices-status]").inner_text()
    page.get_by_label("县财政局第二党支部").check()
    box.fill("卫生")
    # A checked entry stays in sight (with its parents) whatever is typed.
    assert visible() == [
        "县直机关工委",
        "第一片组",
        "县财政局",
        "县财政局第二党支部",
        "第二片组",
        "县卫生健康局",
        "县卫生健康局机关党支部",
    ]
    assert "已选 1 项" in page.locator("[data-filterable-choices-status]").inner_text()
    box.press("Enter")  # does not submit the page's form
    box.fill("没有这个")
    assert visible() == ["县直机关工委", "第一片组", "县财政局", "县财政局第二党支部"]
    box.fill("")
    assert visible() == everything
    checked = page.evaluate("[...document.querySelectorAll('input[type=checkbox]:checked')].map(e => e.value)")
    assert checked == [str(org_tree["finance_branch_2"].pk)]
    box.fill("卫生")
    shot(page, "filter-375")
