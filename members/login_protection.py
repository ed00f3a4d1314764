"""Login protection that a stranger cannot turn against a member (等保 2.0), on django-axes' records.

- An account is held back on one address only: wrong passwords for member2 from a stranger's address delay that
  address's next try for member2, never member2's own phone or office computer (axes records one row per
  account, address and browser; `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`).
- The delay grows instead of a 30-minute wall: after LOGIN_FAILURE_LIMIT failures 1 minute, then each further
  failure doubles it (2, 4, 8 … minutes) up to LOGIN_LOCKOUT_MINUTES. A success from that address forgets them.
- One address trying many accounts (m0001, m0002, … during a vote) is slowed by itself: LOGIN_ADDRESS_FAILURE_LIMIT
  failures across all accounts within LOGIN_ADDRESS_WINDOW_MINUTES hold back every login from that address until
  enough of them are older than the window. Only that address waits; a colleague's success does not lift it.
- Tries made while held back are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False): waiting
  out the delay is enough, hammering does not lengthen it.

The address is dangjian.http.client_address (the trusted proxy's last X-Forwarded-For hop).
"""

import datetime
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

LOCKOUT_TEMPLATE = "registration/lockout.html"


@dataclass(frozen=True)
class LoginHold:
    """Why and until when logins from this address are refused."""

    until: datetime.datetime
    whole_address: bool  # every account from this address, not one account

    def minutes_left(self, now):
        seconds = max(0, (self.until - now).total_seconds())
        return max(1, int(-(-seconds // 60)))  # rounded up: "1 分钟" rather than "0 分钟"


def account_delay(failures, limit):
    """The wait after `failures` wrong passwords for one account from one address: none below the limit, then
    LOGIN_FIRST_DELAY_MINUTES doubling with each further failure, at most LOGIN_LOCKOUT_MINUTES."""
    if failures < limit:
        return None
    first = settings.LOGIN_FIRST_DELAY_MINUTES
    cap = settings.LOGIN_LOCKOUT_MINUTES
    exponent = min(failures - limit, 16)  # 2**16 minutes is past any sensible cap
    return datetime.timedelta(minutes=min(first * 2**exponent, cap))


def account_hold(username, address, now, limit):
    attempts = AccessAttempt.objects.filter(
        username=username, ip_address=address, attempt_time__gte=now - memory()
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    delay = account_delay(attempts["failures"] or 0, limit)
    if delay is None or attempts["last"] + delay <= now:
        return None
    return LoginHold(until=attempts["last"] + delay, whole_address=False)


def address_hold(address, now):
    """Held while the failures from this address newer than the window reach the cap. Rows are read newest first:
    the hold ends when the row at which the running total reaches the cap leaves the window."""
    window = datetime.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    rows = (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=now - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", "failures_since_start")
    )
    total = 0
    for attempt_time, failures in rows:
        total += failures
        if total >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return LoginHold(until=attempt_time + window, whole_address=True)
    return None


def memory():
    """How long axes keeps a failure at all (AXES_COOLOFF_TIME, hours): older ones are forgotten and cleaned up."""
    return datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


def current_hold(request, credentials=None):
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return None
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    hold = address_hold(address, now)
    username = get_client_username(request, credentials)
    if username:
        hold = hold or account_hold(username, address, now, get_failure_limit(request, credentials))
    return hold


class LoginProtectionHandler(AxesDatabaseHandler):
    """axes' database handler with the holds above in place of its fixed count and cool-off.

    axes locks a login when `get_failures` reaches the failure limit, both before checking the password and after
    recording a failure; here it reaches it exactly while a hold lasts. The hold is kept on the request for the
    lockout page."""

    def get_failures(self, request, credentials=None):
        hold = current_hold(request, credentials)
        request.login_hold = hold
        return get_failure_limit(request, credentials) if hold else 0


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese lockout page (AXES_LOCKOUT_CALLABLE), saying how long to wait, with 429."""
    hold = getattr(request, "login_hold", None) or current_hold(request, credentials)
    now = timezone.now()
    context = {"hold": hold}
    if hold:
        context.update(
            minutes_left=hold.minutes_left(now),
            retry_at=timezone.localtime(hold.until),
        )
    response = render(request, LOCKOUT_TEMPLATE, context, status=429)
    if hold:
        response["Retry-After"] = str(max(1, int((hold.until - now).total_seconds()) + 1))
    return response
