"""Time site search over generated Chinese notices (a third internal): median and p95 per query.

    .venv/bin/python bench/search_latency.py [--notices 10000] [--queries 300] [--database sqlite|postgres-url]

Runs against a throw-away database: a temporary SQLite file by default, or `--database postgres://.../name`, a
PostgreSQL database that is dropped and created again. Generates the notices with bench/generate.py, then times
the whole search page (GET /search/?q=..., rendered: results, count, snippets) as an anonymous visitor, a member
and an editor, with a mix of one- and two-word queries, topics and document numbers. Nothing is asserted:
timings vary by machine.
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
sys.path.insert(0, str(ROOT / "bench"))


def recreate_postgres_database(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def percentile(sorted_values, fraction):
    return sorted_values[max(0, int(len(sorted_values) * fraction) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default="")
    parser.add_argument("--keep", action="store_true", help="reuse the database as it is (no drop, no new data)")
    args = parser.parse_args()
    if args.database.startswith("postgres") and not args.keep:
        recreate_postgres_database(args.database)
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{tempfile.mkdtemp()}/search-bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings.dev")
    os.environ.setdefault("DEBUG", "false")  # as served: no debug pages, no query log kept
    import django

    django.setup()
    from django.conf import settings

    # Cold searches: every query ranks afresh (identical queries share their ranking in production, see
    # home.search_backend._shared; the page cache is off for logged-in visitors anyway).
    settings.SHARED_BLOCK_CACHE_ENABLED = False
    settings.PAGE_CACHE_ENABLED = False
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from generate import KINDS, TOPICS, WORDS, generate_notices

    rng = random.Random(2026)
    if not args.keep:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        generate_notices(args.notices, rng)

    queries = []
    for _ in range(args.queries):
        kind = rng.random()
        if kind < 0.6:
            queries.append(" ".join(rng.sample(WORDS, rng.choice([1, 2]))))
        elif kind < 0.85:
            queries.append(rng.choice(TOPICS) + rng.choice(["", rng.choice(KINDS)]))
        else:
            queries.append(f"县机党〔2025〕{rng.randrange(1, args.notices)}号")
    users = get_user_model().objects
    visitors = {"anonymous": None, "member": users.get(username="member"), "editor": users.get(username="editor")}
    print(f"{connection.vendor}: {args.notices} notices, {len(queries)} queries per visitor (GET /search/, rendered)")
    for label, user in visitors.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if user:
            client.force_login(user)
        client.get("/search/", {"q": "党员"})  # warm
        timings, query_counts, slowest = [], [], []
        for query in queries:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get("/search/", {"q": query})
                timings.append((time.perf_counter() - start) * 1000)
                slowest.append((timings[-1], query))
            assert response.status_code == 200, (query, response.status_code)
            query_counts.append(len(captured))
        timings.sort()
        print(
            f"  {label:9} median {statistics.median(timings):6.1f} ms, p95 {percentile(timings, 0.95):6.1f} ms, "
            f"max {timings[-1]:6.1f} ms; {max(query_counts)} queries at most"
        )
        slowest.sort(reverse=True)
        print("    slowest: " + ", ".join(f"{query} {ms:.0f} ms" for ms, query in slowest[:4]))


if __name__ == "__main__":
    main()
