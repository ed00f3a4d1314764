"""No page of the site breaks its Content-Security-Policy: every page type of the demo site, as a visitor and as a
member, on a phone, with no CSP violation and nothing in the console; the scripts the pages need still run."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from tests.conftest import PASSWORD

from .actions import PHONE, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES_PER_TYPE = 3  # enough to meet each type in its states (a competition voting, one with results…)
FIXED_URLS = [
    "/search/?q=党建",
    "/accounts/login/",
    "/volunteers/register/",
    "/me/",
    "/learning/my/",
    "/learning/certificates/verify/",
    "/messages/",
    "/no-such-page/",
]

# Collected in the page before any of its own scripts run; Playwright's init script is not subject to the CSP.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def demo_site(db):
    call_command("seed_demo", "--skip-index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    member = get_user_model().objects.get(username="member")
    member.set_password(PASSWORD)
    member.save()
    urls = []
    seen = {}
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        kind = type(page).__name__
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= PAGES_PER_TYPE:
            urls.append(page.url)
    return urls + FIXED_URLS


def visit_all(page, base, urls):
    problems = []
    page.on(
        "console",
        lambda message: (
            None
            if message.type not in ("error", "warning")
            # The 404 page's own status, reported by Chromium as a failed load.
            or ("status of 404" in message.text and page.url.endswith("/no-such-page/"))
            else problems.append(f"{page.url}: console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
    for url in urls:
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        for violation in page.evaluate("window.__violations"):
            problems.append(f"{url}: CSP {violation}")
    return problems


def new_phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.add_init_script(LISTEN)
    return context, context.new_page()


def test_no_page_breaks_the_policy_for_a_visitor_or_a_member(live_server, browser, demo_site):
    types_seen = len([url for url in demo_site if url not in FIXED_URLS])
    assert types_seen >= 10, demo_site

    context, page = new_phone_page(browser)
    problems = visit_all(page, live_server.url, demo_site)
    # Large-text mode (a link that sets a cookie), then the pages again in it.
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="大字模式").click()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    problems += visit_all(page, live_server.url, demo_site[:5])
    context.close()

    context, page = new_phone_page(browser)
    site_log_in(page, live_server, "member")
    page.wait_for_url(live_server.url + "/me/")
    problems += visit_all(page, live_server.url, demo_site)
    context.close()
    assert not problems, "\n".join(sorted(set(problems)))
