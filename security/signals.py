"""Audit events Django and django-axes announce by signal: logins, failures, lockouts, logouts, and every change
of a user's roles, of his account flags and of a role's permissions, whoever makes it (admin, command, shell)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from members import roster
from members.models import RosterImport

from .audit import Kind, record
from .separation import refuse_change_of_separated_role

User = get_user_model()
AUDITED_FLAGS = {"is_superuser": "超级用户", "is_staff": "工作人员", "is_active": "启用"}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, request=request, user=user, target=user.get_username())


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    record(Kind.LOGIN_FAILED, request=request, user=account, username=username, target=username)


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    username = str(username or "")
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    record(Kind.LOCKOUT, request=request, user=account, username=username, target=username)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, request=request, user=user, target=user.get_username())


# --- roles ------------------------------------------------------------------------------------------------------


def _names(model, pk_set, attribute):
    return sorted(model._default_manager.filter(pk__in=pk_set).values_list(attribute, flat=True))


@receiver(pre_save, sender=User)
def _mark_loaded_from_fixture(sender, instance, raw=False, **kwargs):
    instance._security_raw = raw


def _from_fixture(instance):
    # Loading data (loaddata, the tests' restore) saves rows raw, then sets their m2m: nobody changed anything.
    return getattr(instance, "_security_raw", False)


def _m2m_change(instance, action, reverse, pk_set, forward_name, reverse_name):
    """("added" or "removed", the keys) for an m2m_changed signal worth recording, else None. A clear() is a
    removal of what was there: which rows go is known only before they are gone, so pre_clear notes them."""
    if _from_fixture(instance):
        return None
    if action == "pre_clear":
        related = getattr(instance, reverse_name if reverse else forward_name)
        instance._security_cleared = set(related.values_list("pk", flat=True))
        return None
    if action == "post_clear":
        pk_set, action = getattr(instance, "_security_cleared", set()), "post_remove"
    if action not in ("post_add", "post_remove") or not pk_set:
        return None
    return ("added" if action == "post_add" else "removed"), pk_set


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    found = _m2m_change(instance, action, reverse, pk_set, "groups", "user_set")
    if found is None:
        return
    change, pk_set = found
    if reverse:  # group.user_set.add(...): one event per user, as if each user's groups were edited
        for user in User._default_manager.filter(pk__in=pk_set):
            record(Kind.GROUPS_CHANGED, target=user.get_username(), **{change: [instance.name]})
    else:
        record(Kind.GROUPS_CHANGED, target=instance.get_username(), **{change: _names(Group, pk_set, "name")})


def _permission_labels(pk_set):
    permissions = Permission.objects.filter(pk__in=pk_set).select_related("content_type")
    return sorted(f"{p.content_type.app_label}.{p.codename}（{p.name}）" for p in permissions)


@receiver(m2m_changed, sender=Group.permissions.through)
def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    found = _m2m_change(instance, action, reverse, pk_set, "permissions", "group_set")
    if found is None:
        return
    change, pk_set = found
    if reverse:  # permission.group_set.add(...)
        for group in Group.objects.filter(pk__in=pk_set):
            record(Kind.GROUP_PERMISSIONS_CHANGED, target=group.name, **{change: _permission_labels([instance.pk])})
    else:
        record(Kind.GROUP_PERMISSIONS_CHANGED, target=instance.name, **{change: _permission_labels(pk_set)})


def _object_permission(instance, place):
    permission = instance.permission
    return {place: str(getattr(instance, place)), "permission": f"{permission.codename}（{permission.name}）"}


@receiver(post_save, sender=GroupPagePermission)
@receiver(post_save, sender=GroupCollectionPermission)
def _object_permission_added(sender, instance, created, raw=False, **kwargs):
    if raw:  # loading fixtures: nobody grants anything
        return
    place = "page" if sender is GroupPagePermission else "collection"
    record(Kind.GROUP_PERMISSIONS_CHANGED, target=instance.group.name, added=[], **_object_permission(instance, place))


@receiver(post_delete, sender=GroupPagePermission)
@receiver(post_delete, sender=GroupCollectionPermission)
def _object_permission_removed(sender, instance, **kwargs):
    place = "page" if sender is GroupPagePermission else "collection"
    record(
        Kind.GROUP_PERMISSIONS_CHANGED, target=instance.group.name, removed=[], **_object_permission(instance, place)
    )


# The separated roles are guarded before anything is written (security.separation).


@receiver(pre_save, sender=Group)
@receiver(pre_delete, sender=Group)
def _guard_separated_role(sender, instance, raw=False, **kwargs):
    instance._security_raw = raw
    if instance.pk and not raw:
        stored = Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        refuse_change_of_separated_role([instance.name, stored or ""])
        instance._security_stored_name = stored


@receiver(post_save, sender=Group)
def _group_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    stored = getattr(instance, "_security_stored_name", None)
    if created:
        record(Kind.GROUP_PERMISSIONS_CHANGED, target=instance.name, changes=["新建角色"])
    elif stored and stored != instance.name:
        record(Kind.GROUP_PERMISSIONS_CHANGED, target=instance.name, changes=[f"角色改名：{stored} → {instance.name}"])


@receiver(post_delete, sender=Group)
def _group_deleted(sender, instance, **kwargs):
    record(Kind.GROUP_PERMISSIONS_CHANGED, target=instance.name, changes=["删除角色"])


@receiver(m2m_changed, sender=Group.permissions.through)
def _guard_separated_role_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear") or _from_fixture(instance):
        return
    if reverse:
        names = Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True)
        if action == "pre_clear":
            names = instance.group_set.values_list("name", flat=True)
    else:
        names = [instance.name]
    refuse_change_of_separated_role(names)


@receiver(pre_save, sender=GroupPagePermission)
@receiver(pre_save, sender=GroupCollectionPermission)
@receiver(pre_delete, sender=GroupPagePermission)
@receiver(pre_delete, sender=GroupCollectionPermission)
def _guard_separated_role_object_permissions(sender, instance, raw=False, **kwargs):
    if not raw:
        refuse_change_of_separated_role([instance.group.name])


# --- account flags ----------------------------------------------------------------------------------------------


@receiver(post_init, sender=User)
def _remember_flags(sender, instance, **kwargs):
    # The values as loaded (no query): a deferred flag is simply not compared.
    instance._security_flags = {name: instance.__dict__.get(name) for name in AUDITED_FLAGS}


@receiver(post_save, sender=User)
def _flags_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    before = getattr(instance, "_security_flags", {})
    changes = []
    for name, label in AUDITED_FLAGS.items():
        value = instance.__dict__.get(name)
        if created:
            # A new account is worth a line only when it starts with powers (superuser, staff) or disabled.
            if value != User._meta.get_field(name).default:
                changes.append(f"{label}：{'是' if value else '否'}")
        elif before.get(name) is not None and value is not None and value != before[name]:
            changes.append(f"{label}：{'是' if before[name] else '否'} → {'是' if value else '否'}")
    instance._security_flags = {name: instance.__dict__.get(name) for name in AUDITED_FLAGS}
    if changes:
        record(
            Kind.ACCOUNT_FLAGS_CHANGED,
            target=instance.get_username(),
            changes=changes,
            **({"created": True} if created else {}),
        )


# --- the roster -------------------------------------------------------------------------------------------------


@receiver(post_init, sender=RosterImport)
def _remember_roster_status(sender, instance, **kwargs):
    instance._security_status = instance.__dict__.get("status")


@receiver(post_save, sender=RosterImport)
def _roster_applied(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    # Whichever way it was confirmed (the admin's 确认导入 or `manage.py import_roster --apply`).
    applied = instance.status == RosterImport.Status.APPLIED
    if applied and getattr(instance, "_security_status", None) != RosterImport.Status.APPLIED:
        record(
            Kind.ROSTER_IMPORT,
            user=instance.applied_by,
            target=instance.file_name,
            sha256=instance.sha256,
            source=instance.get_source_display(),
            summary=instance.summary,
        )
    instance._security_status = instance.status


@receiver(roster.exported)
def _roster_exported(sender, request, **kwargs):
    record(Kind.EXPORT, request=request, target="党员名册")
