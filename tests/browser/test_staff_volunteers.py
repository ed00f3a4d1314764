"""A volunteer coordinator's day, in the browser: hours refused while the service runs, recorded after it ended,
and the volunteer's certificate issued and opened for printing, at phone and desk widths."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members import roles
from volunteers.models import (
    ServiceCertificate,
    ServiceSlot,
    SignUp,
    VolunteerProfile,
    VolunteerProjectIndexPage,
    VolunteerProjectPage,
)

from .actions import fits
from .actions import site_log_in as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_coordinator_records_hours_after_the_slot_and_issues_the_certificate(
    live_server, browser, home_page, make_user, width
):
    index_page = VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteer-service", show_in_menus=True)
    home_page.add_child(instance=index_page)
    index_page.save_revision().publish()
    now = timezone.now()
    project = VolunteerProjectPage(
        title="敬老院助老服务", slug="elderly-care", place="县社会福利中心", description="<p>陪老人聊天。</p>"
    )
    # Running now: began an hour ago, ends in an hour.
    project.slots.add(
        ServiceSlot(start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1), capacity=5)
    )
    index_page.add_child(instance=project)
    project.save_revision().publish()
    slot = ServiceSlot.objects.get(page=project)
    coordinator = make_user("coordinator", roles.VOLUNTEER_MANAGER, first_name="林海涛")
    volunteer = make_user("volunteer")
    VolunteerProfile.objects.create(user=volunteer, name="李晓雯", phone="13605751234")
    signup = SignUp.objects.create(slot=slot, user=volunteer, status=SignUp.Status.CONFIRMED, seat=1)

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    log_in(page, live_server, "coordinator")
    page.wait_for_url(live_server.url + "/me/")
    page.get_by_role("link", name="管理志愿服务名册").click()
    page.wait_for_url("**/volunteers/manage/")  # the site's own screen: no second factor
    assert fits(page, width)
    page.get_by_role("link", name="名册与出勤").click()

    # While the service runs, hours are refused and what was typed stays.
    assert page.get_by_text("结束后才能登记出勤者的服务时长").is_visible()
    page.get_by_role("radio", name="出勤").check()
    page.get_by_label("李晓雯的服务时长").fill("1.5")
    page.get_by_role("button", name="保存出勤和时长").click()
    expect(page.get_by_role("alert")).to_contain_text("服务时段尚未结束")
    assert page.get_by_role("radio", name="出勤").is_checked()
    assert page.get_by_label("李晓雯的服务时长").input_value() == "1.5"
    assert fits(page, width)
    page.screenshot(path=f"/tmp/vol-browser-refused-{width}.png", full_page=True)
    assert SignUp.objects.get(pk=signup.pk).status == SignUp.Status.CONFIRMED

    # The service is over (the slot is moved back two hours: the clock cannot be).
    ServiceSlot.objects.filter(pk=slot.pk).update(
        start=now - datetime.timedelta(hours=3), end=now - datetime.timedelta(hours=1)
    )
    page.goto(page.url)  # a GET: reloading would post the refused form again
    page.get_by_role("radio", name="出勤").check()
    page.get_by_label("李晓雯的服务时长").fill("1.5")
    page.get_by_role("button", name="保存出勤和时长").click()
    expect(page.get_by_text("已保存 1 条出勤和时长记录")).to_be_visible()
    assert page.get_by_label("李晓雯的服务时长").input_value() == "1.5"
    page.screenshot(path=f"/tmp/vol-browser-recorded-{width}.png", full_page=True)
    recorded = SignUp.objects.get(pk=signup.pk)
    assert (recorded.status, str(recorded.hours), recorded.recorded_by) == ("attended", "1.5", coordinator)

    # The volunteer's page: his hours and 出具证明.
    page.get_by_role("link", name="李晓雯").click()
    certificate_section = page.get_by_role("region", name="志愿服务证明")
    assert "1.5 小时" in certificate_section.inner_text()
    page.get_by_role("button", name="出具证明").click()
    expect(page.get_by_role("heading", name="志愿服务证明")).to_be_visible()
    certificate = ServiceCertificate.objects.get()
    assert (certificate.user, certificate.issued_by) == (volunteer, coordinator)
    assert page.get_by_role("heading", name="志愿服务证明").is_visible()
    assert page.get_by_text(f"编号：{certificate.number}").is_visible()
    body = page.locator(".vol-certificate").inner_text()
    assert "李晓雯" in body and "1.5" in body and "敬老院助老服务" in body
    assert page.get_by_role("button", name="打印证明").is_visible()
    assert fits(page, width)
    page.screenshot(path=f"/tmp/vol-browser-certificate-{width}.png", full_page=True)
    # Printed: the certificate alone, without the page's links and buttons.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印证明")).to_be_hidden()
    expect(page.locator(".vol-certificate")).to_be_visible()
    page.emulate_media(media="screen")
    # Back leads to the volunteer, where the certificate is listed.
    page.get_by_role("link", name="‹ 返回").click()
    expect(page.get_by_role("link", name=certificate.number)).to_be_visible()
    page.screenshot(path=f"/tmp/vol-browser-volunteer-{width}.png", full_page=True)
    context.close()
    assert external == []
