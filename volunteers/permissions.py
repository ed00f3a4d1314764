"""Who coordinates what: the group 志愿服务管理员 coordinates every project; a project's named coordinators theirs."""

from members import roles

from .models import VolunteerProjectPage


def is_volunteer_manager(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return roles.has_role(user, roles.VOLUNTEER_MANAGER)


def can_coordinate(user, project):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_volunteer_manager(user):
        return True
    return VolunteerProjectPage.coordinators.through.objects.filter(
        volunteerprojectpage_id=project.pk, user_id=user.pk
    ).exists()


def coordinated_projects(user):
    """The projects whose rosters this user may see: all for managers, his own for named coordinators."""
    projects = VolunteerProjectPage.objects.all()
    if is_volunteer_manager(user):
        return projects
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return projects.none()
    return projects.filter(coordinators=user)


def can_certify(user, volunteer):
    """Who may issue a 志愿服务证明 for a volunteer besides himself: managers, and the named coordinators of a
    project he signed up for (he is on their roster)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_volunteer_manager(user):
        return True
    from .models import SignUp

    return (
        SignUp.objects.filter(user=volunteer, slot__page__coordinators=user)
        .exclude(status=SignUp.Status.CANCELLED)
        .exists()
    )


def may_see_hours_overview(user):
    """党务干部 and volunteer managers (permission volunteers.view_hours_overview, granted by migration 0004)."""
    return (
        getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("volunteers.view_hours_overview")
    )
