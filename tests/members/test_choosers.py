"""Searchable choosers and widgets for organizations, members and accounts: any part of a Chinese name finds it."""

import re

import pytest
from django import forms
from django.contrib.auth import get_user_model

from members import roles
from members.models import Member, Organization
from members.widgets import OrganizationCheckboxSelectMultiple, UserCheckboxSelectMultiple

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/admin/snippets/choose/members/organization/"
MEMBERS = "/admin/snippets/choose/members/member/"
USERS = "/admin/members/choose-user/"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def rows(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return re.findall(r"data-chooser-modal-choice[^>]*>\s*([^<]+?)\s*<", html)


@pytest.fixture
def people(org_tree, make_member):
    make_member("m0101", org_tree["finance_branch"], name="欧阳丽华")
    make_member("m0102", org_tree["health_branch"], name="王建军")
    Member.objects.create(name="李明", organization=org_tree["finance_branch_2"])


def test_the_organization_chooser_finds_a_part_of_a_chinese_name(client, editor_user, org_tree):
    client.force_login(editor_user)
    found = rows(client.get(ORGANIZATIONS + "results/", {"q": "财政"}))
    assert found == ["县财政局", "县财政局机关党支部", "县财政局第二党支部"]
    assert rows(client.get(ORGANIZATIONS + "results/", {"q": "机关党支部"})) == [
        "县财政局机关党支部",
        "县卫生健康局机关党支部",
    ]
    assert rows(client.get(ORGANIZATIONS + "results/", {"q": "财政 第二"})) == ["县财政局第二党支部"]
    assert rows(client.get(ORGANIZATIONS + "results/", {"q": "T-WJ"})) == ["县卫生健康局", "县卫生健康局机关党支部"]
    assert rows(client.get(ORGANIZATIONS + "results/", {"q": "教育"})) == []
    # The whole modal too, with the parent shown for context.
    modal = client.get(ORGANIZATIONS, {"q": "财政"}, **XHR)
    assert modal.status_code == 200
    assert "县财政局机关党支部" in modal.json()["html"] and "上级组织" in modal.json()["html"]


def test_the_member_chooser_finds_names_and_branches(client, editor_user, people):
    client.force_login(editor_user)
    assert rows(client.get(MEMBERS + "results/", {"q": "丽华"})) == ["欧阳丽华"]
    assert rows(client.get(MEMBERS + "results/", {"q": "财政"})) == ["欧阳丽华", "李明"]
    html = client.get(MEMBERS + "results/", {"q": "建军"}).content.decode()
    assert "王建军" in html and "县卫生健康局机关党支部" in html


def test_the_account_chooser_finds_usernames_and_members_names(client, editor_user, people):
    client.force_login(editor_user)
    assert rows(client.get(USERS + "results/", {"q": "丽华"})) == ["m0101"]
    assert rows(client.get(USERS + "results/", {"q": "m010"})) == ["m0101", "m0102"]
    html = client.get(USERS + "results/", {"q": "王"}).content.decode()
    assert "m0102" in html and "王建军（县卫生健康局机关党支部）" in html
    chosen = client.get(f"{USERS}chosen/{get_user_model().objects.get(username='m0102').pk}/", **XHR)
    assert chosen.json()["result"]["title"] == "m0102"


@pytest.mark.parametrize("url", [MEMBERS, MEMBERS + "results/", USERS, USERS + "results/"])
def test_names_are_listed_to_those_who_keep_the_register_only(client, make_user, people, url):
    client.force_login(make_user("reviewer", roles.REVIEWER))
    response = client.get(url, {"q": "丽华"}, **XHR)
    assert response.status_code == 403
    assert "欧阳丽华" not in response.content.decode()


def test_the_member_form_chooses_organizations_and_accounts_by_search(client, editor_user, people):
    member = Member.objects.get(name="欧阳丽华")
    client.force_login(editor_user)
    html = client.get(f"/admin/snippets/members/member/edit/{member.pk}/").content.decode()
    assert f'new Chooser("id_user", {{"modalUrl": "{USERS}"}})' in html
    assert ORGANIZATIONS in html
    assert '<select name="user"' not in html


def test_the_organization_widget_is_a_tree_of_checkboxes(org_tree):
    class NoticeForm(forms.Form):
        organizations = forms.ModelMultipleChoiceField(
            Organization.objects.all(), widget=OrganizationCheckboxSelectMultiple, required=False
        )

    chosen = org_tree["finance_branch"]
    form = NoticeForm(initial={"organizations": [chosen.pk]})
    html = str(form["organizations"])
    # Without JavaScript: every organization as a checkbox, indented by depth; the filter box hidden until JS.
    assert html.count('type="checkbox"') == Organization.objects.count()
    assert "data-filterable-choices-filter hidden" in html
    item = re.search(rf'<li ([^>]*data-value="{chosen.pk}"[^>]*)>', html).group(1)
    assert "filterable-choices__item--depth-3" in item
    ancestors = re.search(r'data-ancestors="([^"]*)"', item).group(1).split()
    assert ancestors == [str(org_tree[key].pk) for key in ("committee", "group_a", "finance")]
    assert 'data-filter-text="县财政局机关党支部 t-cz-1"' in item
    assert re.search(rf'value="{chosen.pk}"[^>]*checked', html)
    assert "members/filterable-choices.js" in str(form.media)

    form = NoticeForm({"organizations": [chosen.pk, org_tree["health"].pk]})
    assert form.is_valid()
    assert set(form.cleaned_data["organizations"]) == {chosen, org_tree["health"]}


def test_the_account_widget_names_each_account_with_its_member(people, django_assert_max_num_queries):
    class ProjectForm(forms.Form):
        coordinators = forms.ModelMultipleChoiceField(
            get_user_model().objects.all(), widget=UserCheckboxSelectMultiple, required=False
        )

    with django_assert_max_num_queries(1):
        html = str(ProjectForm()["coordinators"])
    assert "欧阳丽华（m0101） · 县财政局机关党支部" in html
    assert 'data-filter-text="欧阳丽华（m0101） · 县财政局机关党支部"' in html
