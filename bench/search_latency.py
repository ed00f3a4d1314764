"""Time site search over generated Chinese notices (a third internal): median and p95 per query.

    .venv/bin/python bench/search_latency.py [--notices 10000] [--queries 300] [--database sqlite|postgres-url]

Runs against a throw-away database (a temporary SQLite file by default; `--database postgres://...` for a
PostgreSQL database that may be emptied), through home.search.search_pages as an anonymous visitor and as an
editor. Nothing is asserted: timings vary by machine.
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "党员",
    "支部",
    "学习",
    "教育",
    "党费",
    "换届",
    "选举",
    "志愿",
    "服务",
    "整改",
    "廉政",
    "纪律",
    "作风",
    "建设",
    "组织",
    "生活",
    "主题",
    "党日",
    "发展",
    "培训",
]
SUBJECTS = ["党建工作要点", "党费收缴情况", "换届选举结果", "主题党日安排", "组织生活会整改清单", "发展党员公示"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{tempfile.mkdtemp()}/search-bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings.dev")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory

    from dangjian.progress import Progress
    from disclosures.models import DisclosureIndexPage, DisclosureNoticePage, NoticeCategory
    from home import search as site_search
    from members.models import Organization

    call_command("flush", interactive=False, verbosity=0) if args.database else None
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    rng = random.Random(2026)
    index = DisclosureIndexPage.objects.first()
    category = NoticeCategory.objects.first()
    organizations = list(Organization.objects.filter(kind="branch"))
    progress = Progress("生成公开事项", args.notices)
    for number in range(args.notices):
        organization = rng.choice(organizations)
        internal = number % 3 == 0
        notice = DisclosureNoticePage(
            title=f"{organization.name}2026年{rng.choice(SUBJECTS)}（第{number}号）",
            issuing_organization=organization,
            category=category,
            document_number=f"县机党〔2026〕{number}号",
            scope="organizations" if internal else "public",
            body=[("paragraph", "<p>" + "，".join(rng.choice(WORDS) for _ in range(60)) + "。</p>")],
            live=True,
        )
        if internal:
            notice.scope_organizations = [organization]
        index.add_child(instance=notice)
        progress.advance()
    call_command("update_index", stdout=io.StringIO())

    queries = [" ".join(rng.sample(WORDS, rng.choice([1, 2]))) for _ in range(args.queries)]
    request = RequestFactory().get("/search/")
    request.user = AnonymousUser()
    request.session = {}
    timings = []
    for query in queries:
        start = time.perf_counter()
        _, results, _ = site_search.search_pages(request, query)
        list(results[:10])
        results.count()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{connection.vendor}: {args.notices} notices, {len(queries)} queries (first page and count, anonymous)")
    print(f"  median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
