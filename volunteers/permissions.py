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
