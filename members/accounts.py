"""Members' login accounts (党员登录账号): opened and reset by the office (党务干部), one at a time or in bulk.

- Username: "m" and the member record's number, zero-padded (m0042). It stays the same when the member moves,
  changes his name or phone, and carries nothing personal (never a phone or ID number); the demo's accounts follow
  the same scheme. A name already taken by an unrelated account gets a suffix (m0042-2).
- Initial password: random, from lower- and upper-case letters and digits that cannot be misread on a printed slip
  (no 0, 1, i, I, l, L, o, O), at least two of each kind, as the password policy (三种字符) asks; 10 characters
  (about 56 bits), and a wrong password holds back the address that sent it (members.login_protection). It is returned once, to be shown on the response of the action; only its
  hash is stored. The owner must set his own password at first login (`PendingPasswordChange`, members.middleware).
- Only accounts whose every role is a site-only one (党员, 支部书记) are reset here: a 党务干部 who could reset an
  approver's or another editor's password could act as him.
- Every opening and reset is in Wagtail's log of the member record (who, when, which username), never the password.
"""

import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.log_actions import log

from . import roles
from .models import Member, PendingPasswordChange

PERMISSION = "members.manage_member_accounts"
CREATE_ACTION = "members.create_account"
RESET_ACTION = "members.reset_password"

# At most this many accounts per request: each password is hashed with the site's slow hasher (about 0.25 s on a
# small server, partly in parallel), and a request must end well within the server's 120 s timeout.
MAX_BATCH = 200
PASSWORD_LENGTH = 10
PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o
PASSWORD_CAPITALS = "ABCDEFGHJKMNPQRSTUVWXYZ"  # no I, L, O
PASSWORD_DIGITS = "23456789"  # no 0, 1
PASSWORD_KINDS = (PASSWORD_LETTERS, PASSWORD_CAPITALS, PASSWORD_DIGITS)
PASSWORD_ALPHABET = "".join(PASSWORD_KINDS)


class AccountRefused(Exception):
    """The account cannot be opened or reset here: a message for the editor."""


def can_manage_accounts(user):
    return bool(user and user.is_active and user.has_perm(PERMISSION))


def generate_password(user=None):
    """A random initial password with at least two characters of each kind that passes the site's validators."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(sum(character in kind for character in password) < 2 for kind in PASSWORD_KINDS):
            continue
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def base_username(member):
    return f"m{member.pk:04d}"


def usernames_for(members):
    """{member pk: username} for members without an account, avoiding names other accounts already have."""
    User = get_user_model()
    wanted = {member.pk: base_username(member) for member in members}
    taken = set(User.objects.filter(username__in=wanted.values()).values_list("username", flat=True))
    result = {}
    for pk, name in wanted.items():
        candidate, suffix = name, 1
        while candidate in taken or (candidate != name and User.objects.filter(username=candidate).exists()):
            suffix += 1  # rare: an unrelated account already has the name
            candidate = f"{name}-{suffix}"
        taken.add(candidate)
        result[pk] = candidate
    return result


def _hash_all(passwords):
    # PBKDF2 releases the GIL: a few threads hash a batch in a fraction of the time.
    workers = max(1, min(4, os.cpu_count() or 1, len(passwords)))
    if workers == 1:
        return [make_password(password) for password in passwords]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(make_password, passwords))


def account_is_site_only(account):
    """Whether an account has no right beyond the site itself: its password may be reset by the office."""
    if account.is_superuser or account.is_staff or account.user_permissions.exists():
        return False
    return set(account.groups.values_list("name", flat=True)) <= roles.SITE_ONLY_ROLES


@dataclass
class Issued:
    """An account with its initial password, to be shown once."""

    member: Member
    username: str
    password: str = field(repr=False)

    @property
    def organization_name(self):
        return self.member.organization.name


@dataclass
class Skipped:
    member: Member
    reason: str


@dataclass
class Outcome:
    issued: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    deferred: list = field(default_factory=list)  # eligible, beyond MAX_BATCH: for the next round


def skip_reason(member):
    """Why a member gets no new account (None if he may have one)."""
    if member.user_id is not None:
        return f"已有登录账号（{member.user.username}）"
    if member.status != Member.Status.ACTIVE:
        return f"状态为“{member.get_status_display()}”，不开通账号"
    return None


def _member_order(member):
    return (member.organization.path, member.name, member.pk)


def sort_members(members):
    return sorted(members, key=_member_order)


def plan_accounts(members):
    """(those who would get an account now, those skipped with the reason, those beyond the batch limit)."""
    eligible, skipped = [], []
    for member in sort_members(members):
        reason = skip_reason(member)
        if reason:
            skipped.append(Skipped(member, reason))
        else:
            eligible.append(member)
    return eligible[:MAX_BATCH], skipped, eligible[MAX_BATCH:]


def open_accounts(member_ids, by):
    """Open accounts for the members among `member_ids` who have none; returns the Outcome with the passwords.

    All or nothing: the members are locked, checked again and linked in one transaction, so that two editors who
    click at once never give one member two accounts."""
    members = list(Member.objects.filter(pk__in=member_ids).select_related("organization", "user"))
    eligible, skipped, deferred = plan_accounts(members)
    outcome = Outcome(skipped=skipped, deferred=deferred)
    if not eligible:
        return outcome
    User = get_user_model()
    names = usernames_for(eligible)
    passwords = {member.pk: generate_password(User(username=names[member.pk])) for member in eligible}
    hashes = dict(zip(passwords, _hash_all(list(passwords.values())), strict=True))
    member_group = Group.objects.get(name=roles.MEMBER)

    with transaction.atomic():
        locked = {
            member.pk: member
            for member in Member.objects.select_for_update(of=("self",))
            .filter(pk__in=[member.pk for member in eligible])
            .select_related("organization")
        }
        for member in eligible:
            current = locked.get(member.pk)
            if current is None:
                continue  # deleted meanwhile
            if current.user_id is not None or current.status != Member.Status.ACTIVE:
                # Another editor was quicker, or the member left meanwhile.
                current = Member.objects.select_related("organization", "user").get(pk=member.pk)
                outcome.skipped.append(Skipped(current, skip_reason(current)))
                continue
            # The hash is set directly: set_password() would mark it as the owner's own change.
            account = User(username=names[member.pk], first_name=member.name[:150], password=hashes[member.pk])
            account.save()
            account.groups.add(member_group)
            current.user = account
            current.save(update_fields=["user"])
            PendingPasswordChange.objects.create(
                user=account, reason=PendingPasswordChange.Reason.CREATED, issued_by=by
            )
            log(current, CREATE_ACTION, user=by, data={"username": account.username})
            outcome.issued.append(Issued(current, account.username, passwords[member.pk]))
    outcome.skipped.sort(key=lambda item: _member_order(item.member))
    return outcome


def check_resettable(member):
    """Raise AccountRefused unless the member's account may be reset by the office."""
    account = member.user
    if account is None:
        raise AccountRefused(f"{member.name}还没有登录账号，请先开通。")
    if not account.is_active:
        raise AccountRefused(f"{member.name}的登录账号（{account.username}）已停用，不能重置密码。")
    if not account_is_site_only(account):
        raise AccountRefused(
            f"{member.name}的登录账号（{account.username}）有管理后台的权限，不能在此重置密码，请联系系统管理员。"
        )


def reset_password(member_id, by):
    """A new initial password for a member's account (shown once); he must change it at his next login."""
    User = get_user_model()
    member = Member.objects.select_related("organization", "user").get(pk=member_id)
    check_resettable(member)
    password = generate_password(member.user)
    hashed = make_password(password)
    with transaction.atomic():
        member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member_id)
        if member.user_id is None:
            raise AccountRefused(f"{member.name}还没有登录账号，请先开通。")
        account = User.objects.select_for_update().get(pk=member.user_id)
        member.user = account
        check_resettable(member)
        # Directly, not set_password(): that would count as the owner's own change (members.signals).
        account.password = hashed
        account.save(update_fields=["password"])
        PendingPasswordChange.objects.filter(user=account).delete()
        PendingPasswordChange.objects.create(user=account, reason=PendingPasswordChange.Reason.RESET, issued_by=by)
        log(member, RESET_ACTION, user=by, data={"username": account.username})
    # A member locked out by wrong attempts asks the office for a new password: it must work at once.
    from axes.utils import reset as reset_lockout

    reset_lockout(username=account.username)
    return Issued(member, account.username, password)


def must_change_password(user):
    """Whether the logged-in user still has an initial password. No query when members.auth loaded the user."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        return user.pending_password_change is not None
    except PendingPasswordChange.DoesNotExist:
        return False
