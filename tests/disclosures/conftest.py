"""Bulk builders for the disclosures query-count tests (the section's other fixtures are in fixtures.py)."""

import datetime

from django.utils import timezone

from dangjian.bulk import add_children
from disclosures.choices import Scope
from disclosures.models import DisclosureNoticePage

# Notice n's scope: most public, some for all members, some for one branch (the member's or another one).
SCOPES = [Scope.PUBLIC, Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORGANIZATIONS, Scope.ORGANIZATIONS]
START = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))


def notice_title(number):
    return f"关于做好第{number + 1}批党费收缴工作的通知"


def add_notices(index, numbers, *, category, issuer, branches, search_index=False):
    """Live notices numbered `numbers` under `index`, mixed scopes, published an hour apart (the highest number
    newest). Organization-scoped ones go to `branches` in turn. Inserted in bulk: no revisions, no signals."""
    notices, scoped = [], []
    for number in numbers:
        scope = SCOPES[number % len(SCOPES)]
        published = START + datetime.timedelta(hours=number)
        notice = DisclosureNoticePage(
            title=notice_title(number),
            slug=f"qc-notice-{number}",
            issuing_organization=issuer,
            category=category,
            document_number=f"县机党〔2026〕{number + 1}号",
            index_number=f"QC-2026-{number + 1:05d}",
            scope=scope,
            written_on=published.date(),
            published_on=timezone.localdate(published),
            body=[("paragraph", f"<p>按照工委部署做好党费收缴工作（第{number + 1}批）。</p>")],
            first_published_at=published,
            last_published_at=published,
            live=True,
        )
        notices.append(notice)
        if scope == Scope.ORGANIZATIONS:
            scoped.append((notice, branches[number % len(branches)]))
    add_children(index, notices, index=search_index)
    through = DisclosureNoticePage.scope_organizations.through
    through.objects.bulk_create(
        [through(disclosurenoticepage_id=notice.pk, organization_id=branch.pk) for notice, branch in scoped]
    )
    return notices
