import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from members import roles
from members.validators import CharacterClassesValidator


@pytest.mark.django_db
def test_migration_creates_every_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


@pytest.mark.django_db
def test_admin_roles_reach_the_admin_and_members_do_not():
    for name in roles.ADMIN_ROLES:
        assert Group.objects.get(name=name).permissions.filter(codename="access_admin").exists(), name
    assert not Group.objects.get(name=roles.MEMBER).permissions.exists()


@pytest.mark.django_db
def test_editors_manage_organizations_and_members_in_the_admin(client, editor_user, member_user, org_tree):
    client.force_login(editor_user)
    response = client.get("/admin/snippets/members/member/", {"q": "张丽华"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "张丽华" in html
    assert "138****2345" in html
    response = client.get("/admin/snippets/members/organization/")
    assert "县卫生健康局机关党支部" in response.content.decode()


@pytest.mark.django_db
def test_members_cannot_open_the_member_register(client, member_user):
    client.force_login(member_user)
    response = client.get("/admin/snippets/members/member/")
    assert response.status_code in (302, 403)
    assert "张丽华" not in response.content.decode()


@pytest.mark.django_db
def test_editor_adds_a_member_through_the_admin_form(client, editor_user, org_tree):
    client.force_login(editor_user)
    response = client.post(
        "/admin/snippets/members/member/add/",
        {
            "name": "赵卫东",
            "gender": "male",
            "organization": org_tree["health_branch"].pk,
            "category": "probationary",
            "joined_on": "2025-07-01",
            "phone": "13900001111",
            "party_post": "",
            "status": "active",
            "user": "",
        },
    )
    assert response.status_code == 302
    from members.models import Member

    member = Member.objects.get(name="赵卫东")
    assert member.organization == org_tree["health_branch"]
    assert member.get_category_display() == "预备党员"


@pytest.mark.parametrize("password", ["onlyletters", "1234567890", "lower2026"])
def test_passwords_need_three_kinds_of_character(password):
    with pytest.raises(ValidationError) as error:
        CharacterClassesValidator().validate(password)
    assert error.value.messages == ["密码须包含大写字母、小写字母、数字、符号中的至少 3 种。"]


def test_a_mixed_password_passes():
    CharacterClassesValidator().validate("Hongqi2026")
