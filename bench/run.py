"""`make bench`: the site under load with gunicorn (2 workers) and wrk, on SQLite and on PostgreSQL.

    .venv/bin/python bench/run.py [--notices 10000] [--members 2000] [--credits 200000] [--lessons 200]
                                  [--projects 50] [--competitions 3] [--entries 100] [--ballots 5000]
                                  [--duration 8] [--databases sqlite,postgres]
                                  [--postgres-url postgres://.../dangjian_bench]
                                  [--voters 1000] [--duplicates 200] [--volunteers 200] [--signup-duplicates 50]
                                  [--capacity 50] [--threads 24]

For each database: build it (bench/.data/), generate the data set (bench/generate.py), collect static files,
count each page's queries (bench/probe.py), then serve with the production settings (bench/bench_settings.py:
DEBUG off, whitenoise manifest, Redis) twice: page cache off, then on. wrk loads each page for --duration
seconds with 2 threads and 8 connections. On PostgreSQL, while the second server runs, bench/concurrency.py
sends ballots and volunteer sign-ups many at once (--threads) and counts what the database stored. Prints the
tables and writes bench/RESULTS.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from generate import add_data_arguments, data_arguments  # bench/ is the script's own directory, first on the path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8107"))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--duration", type=int, default=8)
    # bench/concurrency.py (PostgreSQL only)
    parser.add_argument("--voters", type=int, default=1_000)
    parser.add_argument("--duplicates", type=int, default=200)
    parser.add_argument("--volunteers", type=int, default=200)
    parser.add_argument("--signup-duplicates", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--processes", type=int, default=4, help="processes casting ballots without HTTP")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://dangjian:dangjian@127.0.0.1:5432/dangjian_bench"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    return parser.parse_args()


def environment(args, database_url):
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(BENCH),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "STATIC_ROOT": str(DATA / "static"),
        "MEDIA_ROOT": str(DATA / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "2",
        # No worker recycling during a run: at 3,000 cached pages a second, production's every-50,000-requests
        # restart would land in the middle of several pages' measurements (a second of a core each time).
        "GUNICORN_MAX_REQUESTS": "0",
        "BENCH_SEARCH_AUTO_UPDATE": "false",
    }


def run(command, env, capture=False):
    print("$", " ".join(part if len(part) < 200 else part[:60] + " ..." for part in command), flush=True)
    result = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=capture)
    if result.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout or ''}{result.stderr or ''}")
    return result.stdout


def prepare_database(name, args):
    if name == "sqlite":
        path = DATA / "bench.sqlite3"
        return f"sqlite:///{path}"
    # PostgreSQL: the running server (make postgres starts one); the database is (re)created if missing.
    import psycopg

    url = args.postgres_url
    base, dbname = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{dbname}"')
    return url


def wrk(url, seconds, cookie=None):
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", str(BENCH / "report.lua"), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    match = re.search(r"BENCH requests=(\d+) seconds=([\d.]+) p50=(\d+) p95=(\d+) errors=(\d+)", output)
    requests, duration, p50, p95, errors = match.groups()
    kinds = re.search(r"ERRORS (.*)", output)
    if int(errors):
        print(f"    wrk errors on {url}: {kinds.group(1) if kinds else errors}", flush=True)
    return {
        "rps": int(requests) / float(duration),
        "p50_ms": int(p50) / 1000,
        "p95_ms": int(p95) / 1000,
        "errors": int(errors),
    }


def serve_and_load(env, probe, cached, seconds, then=None):
    """Serve, load each page with wrk, then call `then(base URL)` while the server still runs."""
    env = {**env, "PAGE_CACHE_ENABLED": "true" if cached else "false"}
    # gunicorn's log is kept: it tells when a worker was replaced (max_requests) during a load.
    log_path = DATA / f"gunicorn-{'cached' if cached else 'uncached'}.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + probe["pages"]["static file"], timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for name, path in probe["pages"].items():
            if not path:
                continue
            cookie = probe["cookies"].get(name)
            request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
            urllib.request.urlopen(request, timeout=30).read()  # warm
            results[name] = wrk(base + path, seconds, cookie)
            print(f"  {'cached' if cached else 'uncached'} {name}: {results[name]['rps']:.0f} req/s", flush=True)
        return results, then(base) if then else None
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        restarts = log_path.read_text(errors="replace").count("Autorestarting worker")
        if restarts:
            print(f"  gunicorn replaced a worker {restarts} times (max_requests); log: {log_path}", flush=True)


def bench_database(name, args):
    database_url = prepare_database(name, args)
    env = environment(args, database_url)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "bench/generate.py", *data_arguments(args)], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    output = run([PYTHON, "manage.py", "shell", "--no-imports", "-c", (BENCH / "probe.py").read_text()], env, True)
    probe = json.loads(output.split("PROBE ", 1)[1])
    uncached, _ = serve_and_load(env, probe, False, args.duration)
    cached, concurrency = serve_and_load(
        env,
        probe,
        True,
        args.duration,
        (lambda base: concurrent_writes(env, base, args)) if name == "postgres" else None,
    )
    return {"probe": probe, "uncached": uncached, "cached": cached, "concurrency": concurrency}


def concurrent_writes(env, base, args):
    command = [PYTHON, "bench/concurrency.py", f"--base={base}"]
    command += [f"--{option.replace('_', '-')}={getattr(args, option)}" for option in CONCURRENCY_OPTIONS]
    output = run(command, env, True)
    print(output, end="", flush=True)
    return json.loads(output.split("CONCURRENCY ", 1)[1])


CONCURRENCY_OPTIONS = ["voters", "duplicates", "volunteers", "signup_duplicates", "capacity", "threads", "processes"]


def table(name, result):
    static = result["uncached"]["static file"]["rps"]
    static_cached = result["cached"]["static file"]["rps"]
    lines = [
        f"### {name}",
        "",
        "| page | queries | uncached req/s | p50 ms | p95 ms | % of static | cached req/s | p50 ms | p95 ms | % of static |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, uncached in result["uncached"].items():
        cached = result["cached"][page]
        queries = result["probe"]["queries"].get(page, {}).get("queries", "")
        lines.append(
            f"| {page} | {queries} | {uncached['rps']:.0f} | {uncached['p50_ms']:.1f} | {uncached['p95_ms']:.1f} "
            f"| {100 * uncached['rps'] / static:.1f} % | {cached['rps']:.0f} | {cached['p50_ms']:.1f} "
            f"| {cached['p95_ms']:.1f} | {100 * cached['rps'] / static_cached:.1f} % |"
        )
    errors = sum(r["errors"] for mode in ("uncached", "cached") for r in result[mode].values())
    lines += ["", f"Non-2xx/3xx answers or socket errors during the run: {errors}.", ""]
    if result.get("concurrency"):
        lines += concurrency_table(name, result["concurrency"], static_cached)
    return "\n".join(lines)


BALLOT_TARGET = 300  # ballots/s on PostgreSQL (issue 8)


def concurrency_table(name, result, static_rps):
    ballots, signups, direct = result["ballots"], result["signups"], result["direct_ballots"]
    floor = result["floor"]

    def other(row):
        return ", ".join(f"{status}: {n}" for status, n in row["other"].items()) or "0"

    def cpu(row):
        ms = row.get("cpu_ms_per_request")
        return " / ".join(f"{ms[kind]:.1f}" for kind in ("gunicorn", "postgres", "redis-server", "wrk")) if ms else "–"

    def verdict(row):
        return "met" if row["per_second"] >= BALLOT_TARGET else "not met"

    ballot_cpu = ballots["cpu_ms_per_request"]
    return [
        f"#### Concurrent writes ({name})",
        "",
        f"bench/concurrency.py, with the page cache on: logged-in form POSTs with their CSRF token through the same "
        f"gunicorn, sent by wrk (bench/writes.lua), {result['threads']} in flight at once; some users send the same "
        "form twice at the same moment. "
        "Then the rows are counted in the database. *CPU ms per request*: CPU time that the gunicorn workers, "
        "PostgreSQL, Redis and wrk used during the run, divided by the requests (from /proc).",
        "",
        "| writes | requests | users | stored | refused (409) | other answers | doubled | lost | seconds | per second "
        "| CPU ms per request: gunicorn / PostgreSQL / Redis / wrk |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| ballots (one per voter) | {ballots['requests']} | {ballots['voters']} | {ballots['stored']} "
        f"| {ballots['refused']} | {other(ballots)} | {ballots['doubled']} | {ballots['lost']} "
        f"| {ballots['seconds']:.1f} | {ballots['per_second']:.0f} | {cpu(ballots)} |",
        f"| the same voters' POSTs to a view that does nothing (bench/bench_urls.py) | {floor['requests']} | | | | | | "
        f"| {floor['seconds']:.1f} | {floor['per_second']:.0f} | {cpu(floor)} |",
        f"| ballots, service layer without HTTP ({result['processes']} processes) | {direct['requests']} "
        f"| {direct['voters']} | {direct['stored']} | {direct['refused']} | {other(direct)} | {direct['doubled']} "
        f"| {direct['lost']} | {direct['seconds']:.1f} | {direct['per_second']:.0f} | – |",
        f"| sign-ups (slot of {signups['capacity']} seats) | {signups['requests']} | {signups['volunteers']} "
        f"| {signups['stored']} ({signups['confirmed']} confirmed, {signups['waitlisted']} waitlisted) "
        f"| {signups['refused']} | {other(signups)} | {signups['doubled']} | {signups['lost']} "
        f"| {signups['seconds']:.1f} | {signups['per_second']:.0f} | {cpu(signups)} |",
        "",
        f"- Ballots: {ballots['accepted']} accepted (302 to the receipt) for {ballots['voters']} voters; target "
        f"{BALLOT_TARGET} ballots/s: through the server {verdict(ballots)} ({ballots['per_second']:.0f}/s, "
        f"{100 * ballots['per_second'] / static_rps:.1f} % of the static file's {static_rps:.0f} req/s in the same "
        f"server run), straight into PostgreSQL through awards.services.cast_ballot {verdict(direct)} "
        f"({direct['per_second']:.0f}/s).",
        f"- The stack's floor: a logged-in POST that does nothing reaches {floor['per_second']:.0f}/s on this machine. "
        f"PostgreSQL's share of a ballot, {ballot_cpu['postgres']:.1f} ms of CPU, is "
        f"{BALLOT_TARGET * ballot_cpu['postgres'] / 10:.0f} % of one core at {BALLOT_TARGET} ballots/s; the app "
        f"servers' share, {ballot_cpu['gunicorn']:.1f} ms, needs {BALLOT_TARGET * ballot_cpu['gunicorn'] / 1000:.1f} "
        "cores at that rate: app servers added behind the same PostgreSQL (docs/deploy.md) add their rates.",
        f"- Sign-ups: confirmed {'==' if signups['confirmed'] == min(signups['capacity'], signups['volunteers']) else '!='}"
        f" capacity; seats distinct and within 1–{signups['capacity']}: {'yes' if signups['seats_distinct'] else 'NO'}.",
        "",
    ]


def _proc_field(path, name):
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return ""
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(name)), "")


def machine():
    cpu = _proc_field("/proc/cpuinfo", "model name") or "unknown CPU"
    memory = _proc_field("/proc/meminfo", "MemTotal")
    memory = f", {int(memory.split()[0]) / 1024 / 1024:.1f} GB RAM" if memory else ""
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}; Python {platform.python_version()}"


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk 未安装：apt-get install wrk")
    DATA.mkdir(exist_ok=True)
    results = {name: bench_database(name, args) for name in args.databases.split(",")}
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    sections = [table(name, result) for name, result in results.items()]
    report = "\n".join(
        [
            "# Benchmark results (`make bench`)",
            "",
            f"- Date: {now:%Y-%m-%d %H:%M} (Asia/Shanghai)",
            f"- Machine: {machine()}",
            f"- Data: {args.notices} notices (a third internal), {args.members} members, {args.credits} credit "
            f"records, {args.lessons} lessons, {args.projects} volunteer projects (3 slots each, with sign-ups), "
            f"{args.competitions} competitions with {args.entries} entries and {args.ballots} ballots in all, "
            "including the demo content (seed_demo).",
            f"- Server: gunicorn, 2 sync workers, production settings (DEBUG off, whitenoise manifest, Redis); "
            f"wrk -t2 -c8 -d{args.duration}s per page, one page after the other; workers are not recycled during the run.",
            "- *queries*: database queries of one request with the page cache off, after a first one: the shared values "
            "(route, settings, menu, blocks, listings, rankings) warm, as between two publishes; counted in-process.",
            "- *% of static*: the page's requests/s as a share of the static CSS file's in the same server run.",
            "",
            *sections,
        ]
    )
    print()
    print(report)
    (BENCH / "RESULTS.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
