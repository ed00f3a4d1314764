import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry, Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

from awards.models import AwardIndexPage, Ballot, CompetitionPage, EntryPage, Objection
from awards.services import cast_ballot, raise_objection
from home.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(competition, entries, member_user):
    return cast_ballot(competition, member_user, [entries[0].pk, entries[1].pk], "10.0.0.8")


def test_editor_lists_ballots_and_quarantines_one_with_a_reason(client, ballot, editor_user):
    client.force_login(editor_user)
    listing = client.get("/admin/awards/ballots/")
    assert listing.status_code == 200 and ballot.code in listing.content.decode()
    url = f"/admin/awards/ballots/detail/{ballot.pk}/"
    detail = client.get(url).content.decode()
    assert "一张党费收据背后的故事" in detail and "隔离这张选票" in detail

    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.COUNTED

    response = client.post(url, {"reason": "同一地址两分钟内投出 12 张选票"})
    assert response.status_code == 302
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.QUARANTINED and ballot.quarantined_by == editor_user
    entry = ModelLogEntry.objects.get(action="awards.ballot.quarantine")
    assert entry.object_id == str(ballot.pk) and entry.data["reason"] == "同一地址两分钟内投出 12 张选票"
    assert entry.user == editor_user
    detail = client.get(url).content.decode()
    assert "选票已隔离" in detail and "同一地址两分钟内投出 12 张选票" in detail
    # Already quarantined: the admin refuses (it turns PermissionDenied into a redirect) and logs nothing more.
    assert client.post(url, {"reason": "再次隔离"}).status_code in (302, 403)
    assert ModelLogEntry.objects.filter(action="awards.ballot.quarantine").count() == 1


def test_ballots_cannot_be_added_edited_or_deleted_in_the_admin(client, ballot, make_user):
    admin = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in (
        "/admin/awards/ballots/new/",
        f"/admin/awards/ballots/edit/{ballot.pk}/",
        f"/admin/awards/ballots/delete/{ballot.pk}/",
    ):
        response = client.post(url, {"quarantine_reason": "x"})
        assert response.status_code in (302, 403), url
    assert Ballot.objects.filter(pk=ballot.pk, status=Ballot.Status.COUNTED).exists()
    html = client.get("/admin/awards/ballots/").content.decode()
    assert "/admin/awards/ballots/new/" not in html


def test_members_cannot_see_ballots_in_the_admin(client, ballot, member_user):
    client.force_login(member_user)
    assert client.get("/admin/awards/ballots/").status_code in (302, 403)
    response = client.get(f"/admin/awards/ballots/detail/{ballot.pk}/")
    assert response.status_code in (302, 403)
    assert ballot.code not in response.content.decode()


def test_quarantined_ballot_shows_on_me_with_its_reason(client, ballot, member_user, editor_user):
    from awards.services import quarantine_ballot

    quarantine_ballot(ballot, editor_user, "经核实系他人代投")
    client.force_login(member_user)
    html = client.get("/me/").content.decode()
    assert ballot.code in html and "已隔离，不计票" in html and "经核实系他人代投" in html


def test_committee_records_how_an_objection_was_handled(
    client, make_competition, make_entry, org_tree, member_user, editor_user
):
    competition = make_competition("publicity")
    entry = make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    objection = raise_objection(competition, member_user, "张丽华", "请核实照片。", "13857512345", entry=entry)
    client.force_login(editor_user)
    listing = client.get("/admin/awards/objections/").content.decode()
    assert "张丽华" in listing
    url = f"/admin/awards/objections/edit/{objection.pk}/"
    form = client.get(url).content.decode()
    assert "异议内容" in form and "请核实照片。" in form and "13857512345" in form

    response = client.post(url, {"status": "pending", "handling": ""})
    assert response.status_code == 200  # the form again, with errors
    objection.refresh_from_db()
    assert objection.status == Objection.Status.PENDING

    response = client.post(url, {"status": "dismissed", "handling": "经核查照片属实，异议不成立。"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED and objection.handled_by == editor_user
    assert ModelLogEntry.objects.filter(action="awards.objection.handle", object_id=str(objection.pk)).exists()
    assert client.post(f"/admin/awards/objections/delete/{objection.pk}/").status_code in (302, 403)
    assert Objection.objects.filter(pk=objection.pk).exists()
    # The raiser reads the answer on /me/.
    client.force_login(member_user)
    me = client.get("/me/").content.decode()
    assert "我提出的异议" in me and "异议不成立" in me and "经核查照片属实" in me


def test_editor_finalizes_in_the_admin_and_exports_results(
    client, make_competition, make_entry, org_tree, editor_user, member_user
):
    competition = make_competition("awaiting")
    make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    client.force_login(editor_user)
    url = f"/admin/awards/competitions/{competition.pk}/"
    assert "确认定案" in client.get(url).content.decode()
    assert client.post(url, {"note": ""}).status_code == 400  # not confirmed
    assert not CompetitionPage.objects.get(pk=competition.pk).is_finalized
    response = client.post(url, {"note": "同意公示结果", "confirm": "on"})
    assert response.status_code == 302
    assert CompetitionPage.objects.get(pk=competition.pk).finalization.finalized_by == editor_user

    export = client.get(f"{url}export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")

    client.force_login(member_user)
    assert client.get(url).status_code in (302, 403)


def test_pages_with_ballots_cannot_be_deleted(client, ballot, competition, entries, make_user):
    admin = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    for page in (competition, entries[0]):
        response = client.post(f"/admin/pages/{page.pk}/delete/")
        assert response.status_code == 302
        assert Page.objects.filter(pk=page.pk).exists()
    # An entry nobody voted for may go.
    client.post(f"/admin/pages/{entries[3].pk}/delete/")
    assert not Page.objects.filter(pk=entries[3].pk).exists()


class PageTreeRulesTest(WagtailPageTestCase):
    def setUp(self):
        user = get_user_model().objects.create_superuser("root", password="Root2026pw")
        self.client.force_login(user)

    def test_tree(self):
        self.assertAllowedParentPageTypes(AwardIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AwardIndexPage, {CompetitionPage})
        self.assertAllowedParentPageTypes(CompetitionPage, {AwardIndexPage})
        self.assertAllowedSubpageTypes(CompetitionPage, {EntryPage})
        self.assertAllowedSubpageTypes(EntryPage, set())

    def test_editor_form_creates_a_competition_and_checks_the_windows(self):
        home = HomePage.objects.get()
        index = home.add_child(instance=AwardIndexPage(title="评选活动", slug="pingxuan"))
        data = {
            "title": "2026年度“十佳党日活动”评选",
            "slug": "shijia-dangri",
            "kind": "party_day",
            "rules": rich_text("<p>评选办法</p>"),
            "nomination_start": "2026-09-01 09:00",
            "nomination_end": "2026-09-30 17:00",
            "voting_start": "2026-10-08 09:00",
            "voting_end": "2026-10-20 17:00",
            "publicity_start": "2026-10-25 09:00",
            "publicity_end": "2026-11-01 17:00",
            "choices_per_ballot": "10",
            "winner_count": "10",
            "electorate": "members",
            "frequency": "once",
            "public_weight": "40",
            "max_score": "100",
            "expert_group": "",
            "summary": "",
        }
        self.assertCanCreate(index, CompetitionPage, nested_form_data(data))
        self.assertEqual(CompetitionPage.objects.get(slug="shijia-dangri").expert_weight, 60)

        data.update(slug="daozhi", voting_end="2026-10-01 09:00")  # ends before it starts
        response = self.client.post(f"/admin/pages/add/awards/competitionpage/{index.pk}/", nested_form_data(data))
        self.assertContains(response, "投票截止须晚于投票开始")
        self.assertFalse(CompetitionPage.objects.filter(slug="daozhi").exists())


def test_results_export_stores_a_hostile_entry_title_as_text(
    client, make_competition, make_entry, org_tree, editor_user
):
    from tests.xlsx import HOSTILE_NAME, cell_values, formula_cells

    competition = make_competition("awaiting")
    make_entry(competition, org_tree["health_branch"], HOSTILE_NAME)
    client.force_login(editor_user)
    url = f"/admin/awards/competitions/{competition.pk}/"
    assert client.post(url, {"note": "同意公示结果", "confirm": "on"}).status_code == 302
    content = client.get(f"{url}export/").content
    assert formula_cells(content) == []
    assert HOSTILE_NAME in cell_values(content)
