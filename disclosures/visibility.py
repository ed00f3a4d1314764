"""Who may see which notice. Every way in (page, index, home, search, feed, sitemap, attachments, /me/) asks here."""

from django.db.models import Exists, OuterRef, Q

from members import roles
from members.scope import member_organization_ids

from .models import DisclosureNoticePage, Scope

# Roles that write, review or approve notices see every scope.
STAFF_ROLES = (roles.PARTY_CADRE, roles.REVIEWER, roles.APPROVER)


def sees_everything(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or roles.has_role(user, *STAFF_ROLES)  # role names are read once per request


def visibility_filter(user):
    """A Q on DisclosureNoticePage (or a queryset of it) that keeps what `user` may see."""
    if sees_everything(user):
        return Q()
    organization_ids = member_organization_ids(user)
    if not organization_ids:
        return Q(scope=Scope.PUBLIC)
    through = DisclosureNoticePage.scope_organizations.through
    in_scope = Exists(
        through.objects.filter(disclosurenoticepage_id=OuterRef("pk"), organization_id__in=organization_ids)
    )
    return Q(scope=Scope.PUBLIC) | Q(scope=Scope.ALL_MEMBERS) | (Q(scope=Scope.ORGANIZATIONS) & in_scope)


def visibility_key(user):
    """What visibility_filter(user) depends on, as a hashable value: users with equal keys see the same notices."""
    if sees_everything(user):
        return "all"
    return tuple(sorted(member_organization_ids(user)))


def visible_notices(user, queryset=None):
    """Live notices `user` may see, newest first."""
    if queryset is None:
        queryset = DisclosureNoticePage.objects.all()
    return queryset.live().filter(visibility_filter(user)).order_by("-first_published_at", "-pk")


def can_see(user, notice):
    """Whether `user` may see this notice (live or not: drafts are for the admin and its preview only)."""
    if notice.scope == Scope.PUBLIC or sees_everything(user):
        return True
    return visible_notices(user, DisclosureNoticePage.objects.filter(pk=notice.pk)).exists()


def document_visible(user, document):
    """A document is served only where it is part of a page this user may see.

    Documents of notices follow the notices' scope; a document on any other live page of the site is public; a
    document on no page at all (an upload not yet published) is for the editors only. Fail closed.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_document_model())
    from wagtail.models import Page, ReferenceIndex

    from .models import NoticeAttachment

    if sees_everything(user) or permission_policy.user_has_any_permission(user, ["add", "change"]):
        return True
    references = ReferenceIndex.get_references_to(document).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    notice_type = ContentType.objects.get_for_model(DisclosureNoticePage)
    notice_ids = set(NoticeAttachment.objects.filter(document=document).values_list("page_id", flat=True))
    notice_ids |= {int(pk) for pk in references.filter(content_type=notice_type).values_list("object_id", flat=True)}
    if notice_ids and visible_notices(user, DisclosureNoticePage.objects.filter(pk__in=notice_ids)).exists():
        return True
    other_page_ids = references.exclude(content_type=notice_type).values_list("object_id", flat=True)
    return Page.objects.live().public().filter(pk__in=[int(pk) for pk in other_page_ids]).exists()
