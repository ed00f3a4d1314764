import datetime

import pytest
from django.utils import timezone

from volunteers.models import ServiceSlot, VolunteerProfile, VolunteerProjectIndexPage, VolunteerProjectPage

from .actions import site_log_in as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_signs_up_and_the_next_person_gets_the_waitlist(live_server, browser, home_page, make_user):
    index_page = VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteer-service", show_in_menus=True)
    home_page.add_child(instance=index_page)
    index_page.save_revision().publish()
    start = timezone.now() + datetime.timedelta(days=3)
    project = VolunteerProjectPage(
        title="敬老院助老服务", slug="elderly-care", place="县社会福利中心", description="<p>陪老人聊天。</p>"
    )
    project.slots.add(ServiceSlot(start=start, end=start + datetime.timedelta(hours=2), capacity=1))
    index_page.add_child(instance=project)
    project.save_revision().publish()
    for username, name in (("volunteer", "李晓雯"), ("second", "王建军")):
        VolunteerProfile.objects.create(user=make_user(username), name=name, phone="13605751234")

    external = []
    for username, expected in (("volunteer", "报名成功"), ("second", "候补名单，排第 1 位")):
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
        log_in(page, live_server, username)
        page.get_by_role("link", name="党员志愿服务").click()
        page.get_by_role("link", name="敬老院助老服务").click()
        page.get_by_role("button", name="报名" if username == "volunteer" else "报名候补").click()
        assert page.get_by_text(expected).is_visible()
        page.goto(live_server.url + "/me/")
        panel = page.get_by_role("region", name="志愿服务")
        assert panel.get_by_role("link", name="敬老院助老服务").is_visible()
        assert panel.get_by_text("已报名" if username == "volunteer" else "候补第 1 位").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        context.close()
    assert external == []
