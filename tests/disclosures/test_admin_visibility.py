"""The admin shows each user only what he may see (issue 16, point 1): choosers, listings and their searches.

Every role with admin access is tried through the real admin URLs with the permissions the migrations give its group:
the staff (党务干部, 审核人, 审批人) see every notice, document and image; 志愿服务管理员 and 评审专家, outside the
internal notice's scope, see no internal title, file name or thumbnail anywhere, not even by asking for an id.
"""

import json

import pytest
from django.contrib.auth.models import Group
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from awards import roles as award_roles
from disclosures.choices import Scope
from disclosures.models import NoticeFeedback
from members import roles

from .fixtures import make_document

INTERNAL_TITLE = "关于财政局支部组织生活会整改事项的内部通报"
INTERNAL_FRAGMENT = "组织生活会整改"
INTERNAL_DOCUMENT = "整改责任人名单"
INTERNAL_FILE = "zhenggai-mingdan"
INTERNAL_IMAGE = "整改现场照片"
PUBLIC_TITLE = "关于公布县直机关党费收缴标准的公告"
PUBLIC_DOCUMENT = "党费收缴标准表"
PUBLIC_IMAGE = "党员活动日合影"

STAFF = [roles.PARTY_CADRE, roles.REVIEWER, roles.APPROVER]
# Admin roles that choose content of their own, outside the notices' work.
OUTSIDERS = [roles.VOLUNTEER_MANAGER, award_roles.EXPERTS]
# Every admin role outside the notices' work: also the separated 等保 roles, which choose no content at all.
ALL_OUTSIDERS = [*OUTSIDERS, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN, roles.AUDIT_ADMIN]
INTERNAL_WORDS = [INTERNAL_TITLE, INTERNAL_DOCUMENT, INTERNAL_FILE, INTERNAL_IMAGE]


def image_block(image):
    return {"type": "image", "value": {"image": image.pk, "alt_text": "现场", "decorative": False}}


@pytest.fixture
def content(make_notice, org_tree, member_user):
    """An internal notice of the finance branch with its attachment and image, and a public notice with its own."""
    Image = get_image_model()
    internal_image = Image.objects.create(title=INTERNAL_IMAGE, file=get_test_image_file("internal.png"))
    public_image = Image.objects.create(title=PUBLIC_IMAGE, file=get_test_image_file("public.png"))
    internal_document = make_document(INTERNAL_FILE)
    internal_document.title = INTERNAL_DOCUMENT
    internal_document.save()
    public_document = make_document(PUBLIC_DOCUMENT)
    internal = make_notice(
        INTERNAL_TITLE,
        scope=Scope.ORGANIZATIONS,
        organizations=[org_tree["finance_branch"]],
        attachments=[internal_document],
    )
    internal.body = [image_block(internal_image)]
    internal.save_revision().publish()
    public = make_notice(PUBLIC_TITLE, attachments=[public_document])
    public.body = [image_block(public_image)]
    public.save_revision().publish()
    feedback = NoticeFeedback.objects.create(notice=internal, user=member_user, text="整改时限能否延长？")
    public_feedback = NoticeFeedback.objects.create(notice=public, user=member_user, text="标准何时执行？")
    return {
        "internal": internal,
        "public": public,
        "internal_document": internal_document,
        "public_document": public_document,
        "internal_image": internal_image,
        "public_image": public_image,
        "feedback": feedback,
        "public_feedback": public_feedback,
    }


def shown(response):
    """What a screen shows: a chooser answers JSON with its HTML inside."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def list_screens(content):
    """The choosers and listings every admin user can open, with a search where the screen has one."""
    index = content["internal"].get_parent()
    return [
        "/admin/choose-page/",
        f"/admin/choose-page/{index.pk}/",
        f"/admin/choose-page/search/?q={INTERNAL_FRAGMENT}",
        f"/admin/choose-page/search/?q={INTERNAL_FRAGMENT}&page_type=disclosures.disclosurenoticepage",
        "/admin/documents/chooser/",
        "/admin/documents/chooser/results/?q=整改",
        "/admin/images/chooser/",
        "/admin/images/chooser/results/?q=整改",
        "/admin/api/main/images/",
        "/admin/api/main/documents/",
        "/admin/snippets/choose/disclosures/noticefeedback/",
        "/admin/snippets/choose/disclosures/noticefeedback/results/?q=整改",
    ]


def item_screens(content):
    """Screens that answer for one given item (its title, file name, preview)."""
    return [
        f"/admin/choose-page/{content['internal'].pk}/",
        f"/admin/documents/chooser/chosen/{content['internal_document'].pk}/",
        f"/admin/documents/chooser/chosen-multiple/?id={content['internal_document'].pk}",
        f"/admin/images/chooser/chosen/{content['internal_image'].pk}/",
        f"/admin/images/chooser/chosen-multiple/?id={content['internal_image'].pk}",
        f"/admin/images/chooser/{content['internal_image'].pk}/select_format/",
        f"/admin/api/main/images/{content['internal_image'].pk}/",
        f"/admin/api/main/documents/{content['internal_document'].pk}/",
        f"/admin/snippets/choose/disclosures/noticefeedback/chosen/{content['feedback'].pk}/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_OUTSIDERS)
def test_an_admin_user_of_no_scope_sees_no_internal_title_or_file(client, make_user, content, role):
    client.force_login(make_user("outsider", role))
    for url in list_screens(content):
        response = client.get(url)
        assert response.status_code == 200, url
        html = shown(response)
        for word in INTERNAL_WORDS:
            assert word not in html, f"{role} sees {word} at {url}"
    for url in item_screens(content):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", OUTSIDERS)
def test_an_admin_user_of_no_scope_still_chooses_public_items(client, make_user, content, role):
    """The filter takes away the internal items only: what the public may see stays choosable."""
    client.force_login(make_user("outsider", role))
    index = content["internal"].get_parent()
    assert PUBLIC_TITLE in shown(client.get(f"/admin/choose-page/{index.pk}/"))
    assert PUBLIC_TITLE in shown(client.get("/admin/choose-page/search/", {"q": "党费收缴标准"}))
    assert PUBLIC_DOCUMENT in shown(client.get("/admin/documents/chooser/"))
    assert PUBLIC_IMAGE in shown(client.get("/admin/images/chooser/"))
    assert PUBLIC_IMAGE in shown(client.get("/admin/api/main/images/"))
    assert PUBLIC_DOCUMENT in shown(client.get("/admin/api/main/documents/"))
    assert PUBLIC_TITLE in shown(client.get("/admin/snippets/choose/disclosures/noticefeedback/"))
    assert client.get(f"/admin/documents/chooser/chosen/{content['public_document'].pk}/").status_code == 200
    assert client.get(f"/admin/images/chooser/chosen/{content['public_image'].pk}/").status_code == 200
    feedback_url = f"/admin/snippets/choose/disclosures/noticefeedback/chosen/{content['public_feedback'].pk}/"
    assert client.get(feedback_url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_OUTSIDERS)
def test_listings_of_files_and_feedback_stay_closed_to_other_roles(client, make_user, content, role):
    client.force_login(make_user("outsider", role))
    for url in ["/admin/documents/", "/admin/images/", "/admin/snippets/disclosures/noticefeedback/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    response = client.get(f"/admin/pages/search/?q={INTERNAL_FRAGMENT}")
    assert response.status_code == 302 and INTERNAL_TITLE not in shown(response)


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF)
def test_staff_see_every_notice_document_and_image(client, make_user, content, role):
    client.force_login(make_user("staff", role))
    index = content["internal"].get_parent()
    assert INTERNAL_TITLE in shown(client.get(f"/admin/choose-page/{index.pk}/"))
    assert INTERNAL_TITLE in shown(client.get("/admin/choose-page/search/", {"q": INTERNAL_FRAGMENT}))
    documents = shown(client.get("/admin/documents/chooser/"))
    assert INTERNAL_DOCUMENT in documents and INTERNAL_FILE in documents
    assert INTERNAL_IMAGE in shown(client.get("/admin/images/chooser/"))
    assert INTERNAL_IMAGE in shown(client.get("/admin/api/main/images/"))
    assert INTERNAL_DOCUMENT in shown(client.get("/admin/api/main/documents/"))
    assert INTERNAL_TITLE in shown(client.get("/admin/snippets/choose/disclosures/noticefeedback/"))
    for url in item_screens(content):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_editors_listings_show_everything(client, editor_user, content):
    client.force_login(editor_user)
    assert INTERNAL_DOCUMENT in shown(client.get("/admin/documents/"))
    assert INTERNAL_IMAGE in shown(client.get("/admin/images/"))
    assert INTERNAL_TITLE in shown(client.get("/admin/snippets/disclosures/noticefeedback/"))
    assert INTERNAL_TITLE in shown(client.get("/admin/pages/search/", {"q": INTERNAL_FRAGMENT}))


@pytest.mark.django_db
def test_a_coordinator_in_the_notices_scope_sees_it(client, make_member, org_tree, content):
    """The rule is the site's: a 志愿服务管理员 who is a member of the finance branch chooses its notice."""
    coordinator = make_member("coordinator", org_tree["finance_branch"], name="李卫东")
    coordinator.groups.add(Group.objects.get(name=roles.VOLUNTEER_MANAGER))
    client.force_login(coordinator)
    index = content["internal"].get_parent()
    assert INTERNAL_TITLE in shown(client.get(f"/admin/choose-page/{index.pk}/"))
    assert INTERNAL_DOCUMENT in shown(client.get("/admin/documents/chooser/"))
    assert INTERNAL_IMAGE in shown(client.get("/admin/images/chooser/"))
    assert INTERNAL_TITLE in shown(client.get("/admin/snippets/choose/disclosures/noticefeedback/"))


@pytest.mark.django_db
def test_a_draft_notice_is_hidden_from_other_roles(client, make_user, make_notice):
    """A draft has not passed its confidentiality review: its title is for the staff, whatever its scope."""
    draft = make_notice("关于拟调整党费收缴基数的征求意见稿", publish=False)
    client.force_login(make_user("coordinator", roles.VOLUNTEER_MANAGER))
    assert draft.title not in shown(client.get(f"/admin/choose-page/{draft.get_parent().pk}/"))
    assert client.get(f"/admin/choose-page/{draft.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "1x"])
def test_a_malformed_id_is_not_found(client, make_user, content, bad):
    client.force_login(make_user("outsider", award_roles.EXPERTS))
    assert client.get(f"/admin/documents/chooser/chosen/{bad}/").status_code == 404
    assert client.get(f"/admin/images/chooser/chosen-multiple/?id={bad}").status_code == 404
    assert client.get(f"/admin/snippets/choose/disclosures/noticefeedback/chosen/{bad}/").status_code == 404
