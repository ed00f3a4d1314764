import pytest
from django.core.exceptions import ValidationError

from members.models import Member, Organization
from members.scope import is_active_member, member_organization_ids, member_organizations


@pytest.mark.django_db
def test_paths_follow_the_tree(org_tree):
    branch = org_tree["finance_branch"]
    assert branch.depth == 4
    assert list(branch.ancestors()) == [org_tree["committee"], org_tree["group_a"], org_tree["finance"], branch]
    assert set(org_tree["group_a"].descendants()) == {
        org_tree["group_a"],
        org_tree["finance"],
        org_tree["finance_branch"],
        org_tree["finance_branch_2"],
    }
    assert org_tree["health_branch"] not in org_tree["group_a"].descendants()


@pytest.mark.django_db
def test_moving_an_organization_moves_its_subtree(org_tree):
    finance = org_tree["finance"]
    finance.parent = org_tree["group_b"]
    finance.save()
    branch = Organization.objects.get(pk=org_tree["finance_branch"].pk)
    assert branch.path.startswith(org_tree["group_b"].path)
    assert org_tree["group_b"] in branch.ancestors()
    assert org_tree["group_a"] not in branch.ancestors()


@pytest.mark.django_db
def test_an_organization_cannot_be_put_under_its_own_subtree(org_tree):
    group = org_tree["group_a"]
    group.parent = org_tree["finance_branch"]
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "上级组织不能是本组织或其下级组织" in str(error.value)


@pytest.mark.django_db
def test_member_organizations_are_the_branch_and_its_ancestors_in_one_query(
    org_tree, member_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        organizations = set(member_organizations(member_user))
    assert organizations == {
        org_tree["committee"],
        org_tree["group_a"],
        org_tree["finance"],
        org_tree["finance_branch"],
    }


@pytest.mark.django_db
def test_member_organization_ids_are_cached_for_the_request(org_tree, member_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = member_organization_ids(member_user)
        second = member_organization_ids(member_user)
    assert first == second
    assert org_tree["finance_branch_2"].pk not in first


@pytest.mark.django_db
def test_no_organizations_for_anonymous_non_members_and_transferred_members(org_tree, member_user, make_user):
    from django.contrib.auth.models import AnonymousUser

    assert not member_organizations(AnonymousUser()).exists()
    assert not member_organizations(make_user("volunteer")).exists()
    Member.objects.filter(user=member_user).update(status=Member.Status.TRANSFERRED_OUT)
    assert not member_organizations(member_user).exists()
    assert not is_active_member(member_user)


@pytest.mark.django_db
def test_organization_codes_are_unique(org_tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="重复", code="T-CZ", kind="unit", parent=org_tree["group_a"])


@pytest.mark.django_db
def test_phone_numbers_are_masked(member_user):
    assert member_user.member.masked_phone == "138****2345"
