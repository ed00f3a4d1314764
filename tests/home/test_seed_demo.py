import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from members import roles
from members.demo import DEMO_PASSWORD
from members.models import Member, Organization


def counts():
    return (
        Organization.objects.count(),
        Member.objects.count(),
        get_user_model().objects.count(),
        Page.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_the_county_and_a_second_run_adds_nothing():
    output = io.StringIO()
    call_command("seed_demo", "--skip-index", stdout=output)
    assert "党组织 [" in output.getvalue()  # progress is shown
    first = counts()
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    assert counts() == first

    assert Organization.objects.filter(kind=Organization.Kind.GROUP).count() == 6
    assert Organization.objects.filter(kind=Organization.Kind.UNIT).count() == 96
    assert Organization.objects.filter(kind=Organization.Kind.BRANCH).count() == 96
    assert 280 <= Member.objects.count() <= 320
    assert not Member.objects.filter(name__regex=r"\d").exists()


@pytest.mark.django_db
def test_seed_demo_accounts_have_their_roles():
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    User = get_user_model()
    for username in [
        "admin",
        "editor",
        "reviewer",
        "approver",
        "secretary",
        "member",
        "member2",
        "coordinator",
        "volunteer",
    ]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.filter(username="editor", groups__name=roles.PARTY_CADRE).exists()
    assert User.objects.filter(username="coordinator", groups__name=roles.VOLUNTEER_MANAGER).exists()
    secretary = Member.objects.get(user__username="secretary")
    member = Member.objects.get(user__username="member")
    member2 = Member.objects.get(user__username="member2")
    assert secretary.is_branch_secretary
    assert secretary.organization == member.organization
    assert member.organization.name == "县财政局机关党支部"
    # member2's branch lies in another 片组.
    assert member.organization.ancestors()[1] != member2.organization.ancestors()[1]
    assert not Member.objects.filter(user__username="volunteer").exists()
