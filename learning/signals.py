"""A course index (网上党校) or micro-lesson index (微型党课) created later gets the editors' page permissions at once,
as migration 0003 gives them on the indexes that exist. Editors publish here directly: see that migration.

A video or audio gets its real length from its file whenever it is saved (learning.media), so that publishing a
lesson can compare it with the lesson's required study time."""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from wagtail.models import GroupPagePermission
from wagtailmedia.models import get_media_model

from members import roles

from .media import set_real_duration
from .models import CourseIndexPage, MicroLessonIndexPage

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def grant_editors(index):
    editors = Group.objects.filter(name=roles.PARTY_CADRE).first()
    if editors is None:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=EDITOR_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=editors, page=index, permission=permission)


@receiver(post_save, sender=CourseIndexPage)
@receiver(post_save, sender=MicroLessonIndexPage)
def govern_new_index(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    grant_editors(instance)


@receiver(pre_save, sender=get_media_model())
def media_length(sender, instance, raw=False, **kwargs):
    if not raw:
        set_real_duration(instance)
