"""Public and member forms: service requests, registration, profiles, proposals. Bad input is a 4xx, stores nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from members import roles
from volunteers.models import ProjectProposal, ServiceRequest, ServiceRequestPage, VolunteerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def request_page(index_page):
    page = ServiceRequestPage(title="提交服务需求", slug="service-request", introduction="需要志愿者帮忙请留言。")
    index_page.add_child(instance=page)
    page.save_revision().publish()
    return page


GOOD_REQUEST = {
    "title": "独居老人家中电路检修",
    "description": "家中电灯时亮时不亮，插座发烫。",
    "place": "城关街道南岩社区 12 幢",
    "wanted_time": "本周内白天",
    "contact_name": "陈阿姨",
    "contact_phone": "13757598765",
    "website": "",
}


def test_the_public_submits_a_service_request_that_is_never_shown_publicly(client, request_page, index_page):
    response = client.post(request_page.url, GOOD_REQUEST)
    assert response.status_code == 200
    assert "您的服务需求已提交" in response.content.decode()
    stored = ServiceRequest.objects.get()
    assert (stored.title, stored.contact_phone, stored.status) == ("独居老人家中电路检修", "13757598765", "new")
    for url in ("/", index_page.url, request_page.url):
        html = client.get(url).content.decode()
        assert "独居老人家中电路检修" not in html
        assert "13757598765" not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "请填写此项"),
        ({"description": "   "}, "请填写此项"),
        ({"title": "修" * 81}, "最多 80 个字"),
        ({"description": "<script>alert(1)</script>"}, "请勿输入网页代码"),
        ({"place": '<a href="x">点我</a>'}, "请勿输入网页代码"),
        ({"contact_name": "javascript:alert(1)"}, "请勿输入网页代码"),
        ({"contact_phone": "12345"}, "11 位手机号码"),
    ],
)
def test_bad_service_requests_get_a_400_with_a_message_and_store_nothing(client, request_page, change, message):
    response = client.post(request_page.url, {**GOOD_REQUEST, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "alert--error" in html
    assert not ServiceRequest.objects.exists()


def test_the_honeypot_catches_bots(client, request_page):
    response = client.post(request_page.url, {**GOOD_REQUEST, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "提交未被接受" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def request_from(client, page, address, phone="13757598765", **extra):
    return client.post(page.url, {**GOOD_REQUEST, "contact_phone": phone}, REMOTE_ADDR=address, **extra)


def test_one_person_is_limited_and_keeps_what_he_typed(client, request_page):
    for _ in range(3):
        assert request_from(client, request_page, "10.1.1.1").status_code == 200
    response = client.post(
        request_page.url, {**GOOD_REQUEST, "description": "第四次：楼道灯也坏了。"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "提交过于频繁" in html
    # Nothing typed is lost: the form comes back filled in.
    assert "第四次：楼道灯也坏了。" in html and 'value="独居老人家中电路检修"' in html
    assert ServiceRequest.objects.count() == 3


def test_refused_and_invalid_attempts_do_not_count(client, request_page):
    for _ in range(10):
        assert client.post(request_page.url, {**GOOD_REQUEST, "contact_phone": "12345"}).status_code == 400
    for _ in range(3):
        assert request_from(client, request_page, "127.0.0.1").status_code == 200
    assert ServiceRequest.objects.count() == 3


def test_an_office_behind_one_address_is_not_shut_out_by_one_colleague(client, request_page):
    for _ in range(3):
        request_from(client, request_page, "10.1.1.1", phone="13700000001")
    assert request_from(client, request_page, "10.1.1.1", phone="13700000001").status_code == 429
    # A colleague behind the same NAT address, with his own phone number, still gets through.
    assert request_from(client, request_page, "10.1.1.1", phone="13700000002").status_code == 200
    # The address as a whole has a generous cap of its own.
    for n in range(3, 31):
        request_from(client, request_page, "10.1.1.1", phone=f"137000000{n:02d}")
    assert ServiceRequest.objects.count() == 30
    assert request_from(client, request_page, "10.1.1.1", phone="13700000099").status_code == 429
    assert request_from(client, request_page, "10.1.1.2", phone="13700000099").status_code == 200


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(client, request_page):
    for n in range(3):
        # A client forging the first entries gains nothing: the proxy's own entry comes last.
        request_from(client, request_page, "127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 10.9.9.9")
    assert request_from(client, request_page, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    assert request_from(client, request_page, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.8").status_code == 200


def test_a_client_that_is_not_our_proxy_cannot_choose_its_address(client, request_page):
    for n in range(3):
        request_from(client, request_page, "10.1.1.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    # Sent straight to the server, X-Forwarded-For is ignored: the sender is still 10.1.1.1.
    assert request_from(client, request_page, "10.1.1.1", HTTP_X_FORWARDED_FOR="10.9.9.50").status_code == 429


def test_the_admin_queue_lists_requests_for_editors_with_masked_phones(client, request_page, editor_user, member_user):
    client.post(request_page.url, GOOD_REQUEST)
    client.force_login(editor_user)
    response = client.get("/admin/snippets/volunteers/servicerequest/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "独居老人家中电路检修" in html
    assert "137****8765" in html and "13757598765" not in html
    client.force_login(member_user)
    response = client.get("/admin/snippets/volunteers/servicerequest/")
    assert response.status_code in (302, 403)


def test_editor_handles_a_request_in_the_admin(client, request_page, editor_user):
    client.post(request_page.url, GOOD_REQUEST)
    stored = ServiceRequest.objects.get()
    client.force_login(editor_user)
    url = f"/admin/snippets/volunteers/servicerequest/edit/{stored.pk}/"
    response = client.post(url, {"status": "accepted", "handler_note": "已安排为民服务日对接", "title": "被改掉"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.status, stored.handler_note, stored.title) == (
        "accepted",
        "已安排为民服务日对接",
        "独居老人家中电路检修",
    )


# Registration and profile ---------------------------------------------------------------------------------------

REGISTRATION = {
    "username": "lixiaowen",
    "password1": "Zhiyuan2026",
    "password2": "Zhiyuan2026",
    "name": "李晓雯",
    "phone": "13605751234",
    "skills": "摄影",
    "intentions": ["civility", "elderly"],
    "available_times": ["weekend_morning"],
    "note": "",
    "website": "",
}


def test_a_member_of_the_public_registers_and_is_logged_in(client, index_page):
    response = client.post("/volunteers/register/", REGISTRATION)
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    profile = VolunteerProfile.objects.get(user__username="lixiaowen")
    assert (profile.name, profile.phone, profile.intentions) == ("李晓雯", "13605751234", ["civility", "elderly"])
    assert profile.intention_labels == ["文明创建", "助老助残"]
    assert not profile.user.groups.exists()  # not a member, no role
    html = client.get("/me/").content.decode()
    assert "136****1234" in html and "13605751234" not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password1": "abcdefgh", "password2": "abcdefgh"}, "至少 3 种"),
        ({"password2": "Different2026"}, "两个密码不一致"),
        ({"username": ""}, "请填写此项"),
        ({"username": "bad name!"}, "用户名"),
        ({"name": ""}, "请填写此项"),
        ({"name": "<script>x</script>"}, "请勿输入网页代码"),
        ({"phone": "call me"}, "11 位手机号码"),
        ({"intentions": ["nonsense"]}, "不在可用的选项中"),
        ({"note": "长" * 501}, "最多 500 个字"),
    ],
)
def test_bad_registrations_are_refused_and_create_nobody(client, index_page, change, message):
    response = client.post("/volunteers/register/", {**REGISTRATION, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="lixiaowen").exists()
    assert not VolunteerProfile.objects.exists()


def test_registering_an_existing_username_is_refused(client, index_page, make_user):
    make_user("lixiaowen")
    response = client.post("/volunteers/register/", REGISTRATION)
    assert response.status_code == 400
    assert "此用户名已被占用" in response.content.decode()


def test_registrations_are_limited_per_address_with_the_form_kept(client, index_page):
    from volunteers.ratelimit import REGISTRATIONS

    for n in range(REGISTRATIONS.per_address):
        data = {**REGISTRATION, "username": f"volunteer{n}", "phone": f"136057512{n:02d}"}
        assert client.post("/volunteers/register/", data, REMOTE_ADDR="10.2.2.2").status_code == 302
        client.logout()
    response = client.post("/volunteers/register/", REGISTRATION, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429
    html = response.content.decode()
    assert "注册过于频繁" in html and 'value="lixiaowen"' in html and 'value="李晓雯"' in html
    assert not get_user_model().objects.filter(username="lixiaowen").exists()
    # Invalid attempts never counted: elsewhere, after ten mistakes, the registration goes through.
    for _ in range(10):
        client.post("/volunteers/register/", {**REGISTRATION, "phone": "x"}, REMOTE_ADDR="10.3.3.3")
    assert client.post("/volunteers/register/", REGISTRATION, REMOTE_ADDR="10.3.3.3").status_code == 302


def test_registration_honeypot(client, index_page):
    assert client.post("/volunteers/register/", {**REGISTRATION, "website": "x"}).status_code == 400
    assert not VolunteerProfile.objects.exists()


def test_a_member_fills_his_profile_prefilled_from_the_member_register(client, member_user):
    client.force_login(member_user)
    html = client.get("/volunteers/profile/").content.decode()
    assert 'value="张丽华"' in html and 'value="13857512345"' in html
    response = client.post(
        "/volunteers/profile/",
        {
            "name": "张丽华",
            "phone": "13857512345",
            "skills": "会计",
            "intentions": ["service"],
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert VolunteerProfile.objects.get(user=member_user).skills == "会计"
    response = client.post("/volunteers/profile/", {"name": "", "phone": "13857512345"})
    assert response.status_code == 400
    assert VolunteerProfile.objects.get(user=member_user).name == "张丽华"


# Proposals ------------------------------------------------------------------------------------------------------

PROPOSAL = {
    "title": "“银龄课堂”智能手机使用培训",
    "category": "elderly",
    "description": "教老年人用智能手机挂号、缴费。",
    "place": "县老年大学",
    "suggested_time": "每月最后一个周五下午",
    "volunteers_needed": "12",
}


def test_members_propose_projects_and_others_may_not(client, member_user, volunteer, index_page):
    client.force_login(volunteer)
    assert client.get("/volunteers/proposals/new/").status_code == 403
    assert client.post("/volunteers/proposals/new/", PROPOSAL).status_code == 403
    client.force_login(member_user)
    response = client.post("/volunteers/proposals/new/", PROPOSAL)
    assert response.status_code == 302
    proposal = ProjectProposal.objects.get()
    assert (proposal.proposer, proposal.organization.name, proposal.status) == (
        member_user,
        "县财政局机关党支部",
        "submitted",
    )
    assert "待审核" in client.get("/me/").content.decode()


@pytest.mark.parametrize(
    "change",
    [{"title": ""}, {"category": "unknown"}, {"volunteers_needed": "0"}, {"description": "<img src=x onerror=1>"}],
)
def test_bad_proposals_are_refused(client, member_user, change):
    client.force_login(member_user)
    response = client.post("/volunteers/proposals/new/", {**PROPOSAL, **change})
    assert response.status_code == 400
    assert "alert--error" in response.content.decode()
    assert not ProjectProposal.objects.exists()


@pytest.fixture
def editor_with_page_rights(editor_user, index_page):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.get(name=roles.PARTY_CADRE)
    for action in ("add", "change", "publish"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
        GroupPagePermission.objects.create(group=group, page=index_page, permission=permission)
    return editor_user


def test_the_committee_accepts_a_proposal_as_a_draft_project(client, member_user, editor_with_page_rights, index_page):
    client.force_login(member_user)
    client.post("/volunteers/proposals/new/", PROPOSAL)
    proposal = ProjectProposal.objects.get()
    # A member cannot review.
    assert client.post(f"/admin/volunteers/proposals/{proposal.pk}/review/", {"decision": "accept"}).status_code in (
        302,
        403,
    )
    client.force_login(editor_with_page_rights)
    listing = client.get("/admin/snippets/volunteers/projectproposal/").content.decode()
    assert f"/admin/volunteers/proposals/{proposal.pk}/review/" in listing
    response = client.post(f"/admin/volunteers/proposals/{proposal.pk}/review/", {"decision": "accept", "note": "很好"})
    proposal.refresh_from_db()
    page = proposal.project_page
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    assert (proposal.status, proposal.reviewed_by, proposal.review_note) == (
        "accepted",
        editor_with_page_rights,
        "很好",
    )
    assert page.live is False
    assert page.get_parent().specific == index_page
    assert (page.title, page.category, page.place) == ("“银龄课堂”智能手机使用培训", "elderly", "县老年大学")
    assert "教老年人用智能手机挂号" in page.description
    # Not twice.
    response = client.post(f"/admin/volunteers/proposals/{proposal.pk}/review/", {"decision": "accept"})
    assert response.status_code == 409
    assert page.__class__.objects.count() == 1
    # The draft is not public.
    client.logout()
    assert client.get(index_page.url).content.decode().count("银龄课堂") == 0


def test_declining_needs_a_reason(client, member_user, editor_with_page_rights):
    client.force_login(member_user)
    client.post("/volunteers/proposals/new/", PROPOSAL)
    proposal = ProjectProposal.objects.get()
    client.force_login(editor_with_page_rights)
    url = f"/admin/volunteers/proposals/{proposal.pk}/review/"
    response = client.post(url, {"decision": "decline", "note": ""})
    assert response.status_code == 400
    assert "请填写审核意见" in response.content.decode()
    assert client.post(url, {"decision": "maybe"}).status_code == 400
    response = client.post(url, {"decision": "decline", "note": "与现有“为民服务日”项目重复"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.project_page) == ("declined", None)
    client.force_login(member_user)
    assert "与现有“为民服务日”项目重复" in client.get("/me/").content.decode()


def test_accepting_needs_page_rights(client, member_user, editor_user, index_page):
    client.force_login(member_user)
    client.post("/volunteers/proposals/new/", PROPOSAL)
    proposal = ProjectProposal.objects.get()
    client.force_login(editor_user)  # may review, but has no page rights under the index
    response = client.post(f"/admin/volunteers/proposals/{proposal.pk}/review/", {"decision": "accept"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
