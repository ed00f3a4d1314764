"""Who may see which notice. Every way in (page, index, home, search, feed, sitemap, attachments, /me/) asks here."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from wagtail.documents import get_document_model

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


def hidden_notices(user):
    """The notices whose very title `user` may not see, in the admin too (choosers, listings): those out of his
    scope and those not live (a draft has not passed its confidentiality review). None when he sees everything."""
    if sees_everything(user):
        return None
    return DisclosureNoticePage.objects.exclude(Q(live=True) & visibility_filter(user))


# Documents and images -----------------------------------------------------------------------------------------
# A file is shown where it is part of a page this user may see: documents and images of notices follow the
# notices' scope, a file on any other live public page of the site is public, a file on no page at all (an upload
# not yet published) is for those who may upload (the editors). Fail closed. One rule, as a Q on the file model,
# for the checked views (one file) and the admin's choosers (many).


def _as_text(expression):
    # Wagtail's reference index keeps object ids as text.
    return Cast(expression, output_field=CharField())


def pages_showing_files(user):
    """Live pages whose files `user` may see: the notices he may see and every other public page."""
    from wagtail.models import Page

    notices = visible_notices(user).order_by().values("pk")
    others = Page.objects.live().public().exclude(content_type=ContentType.objects.get_for_model(DisclosureNoticePage))
    return Page.objects.filter(Q(pk__in=notices) | Q(pk__in=others.values("pk")))


def _used_on(model, pages):
    """A condition on `model` (documents, images): referenced by one of `pages` (Wagtail's reference index).

    An `IN` on the primary key, not an `EXISTS`: the admin's chooser searches pass the queryset to the search
    backend, which reads its conditions and knows no `EXISTS`."""
    from wagtail.models import Page, ReferenceIndex

    references = ReferenceIndex.objects.filter(
        to_content_type=ReferenceIndex._get_base_content_type(model),
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=pages.annotate(key=_as_text("pk")).values("key"),
    )
    return Q(pk__in=references.annotate(target=Cast("to_object_id", BigIntegerField())).values("target"))


def _may_upload(user, model):
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(model).user_has_any_permission(user, ["add", "change"])


def file_visibility_filter(user, model):
    """A Q on `model` (the document or image model) that keeps the files `user` may see; None for all of them."""
    from .models import NoticeAttachment

    if sees_everything(user) or _may_upload(user, model):
        return None
    pages = pages_showing_files(user)
    condition = _used_on(model, pages)
    if issubclass(model, get_document_model()):
        # An attachment counts even before the reference index has caught up with the page.
        attachments = NoticeAttachment.objects.filter(page__in=pages.values("pk"))
        condition |= Q(pk__in=attachments.values("document_id"))
    return condition


def visible_files(user, queryset):
    condition = file_visibility_filter(user, queryset.model)
    return queryset if condition is None else queryset.filter(condition)


def document_visible(user, document):
    """Whether `user` may download this document (Wagtail's serve view asks, through before_serve_document)."""
    return _file_visible(user, document)


def image_visible(user, image):
    """Whether `user` may see this private image (home's checked image view asks, through its hook)."""
    return _file_visible(user, image)


def _file_visible(user, file_object):
    model = type(file_object)
    condition = file_visibility_filter(user, model)
    return condition is None or model.objects.filter(condition, pk=file_object.pk).exists()


def private_image_ids():
    """The images to keep off public paths: used on a live internal notice and on no page an anonymous visitor
    may see (nor by anything that is not a page, such as the site's settings). home.media moves their files."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.images import get_image_model
    from wagtail.models import Page, ReferenceIndex

    Image = get_image_model()
    internal = DisclosureNoticePage.objects.live().exclude(visibility_filter(AnonymousUser()))
    not_a_page = ReferenceIndex.objects.filter(
        to_content_type=ReferenceIndex._get_base_content_type(Image), to_object_id=_as_text(OuterRef("pk"))
    ).exclude(base_content_type=ContentType.objects.get_for_model(Page))
    return set(
        Image.objects.filter(_used_on(Image, internal))
        .exclude(_used_on(Image, pages_showing_files(AnonymousUser())))
        .exclude(Exists(not_a_page))
        .values_list("pk", flat=True)
    )
