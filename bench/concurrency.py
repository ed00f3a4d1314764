"""Concurrent ballots and volunteer sign-ups through the real server, then a count of what the database stored.

    PYTHONPATH=bench DJANGO_SETTINGS_MODULE=bench_settings python bench/concurrency.py --base http://127.0.0.1:8107

Called by bench/run.py on PostgreSQL while gunicorn serves the database. It makes (once) voters cv0001 ... with
member records and volunteer profiles, a competition and a one-slot volunteer project of its own, and on every
run: clears that competition's ballots and that slot's sign-ups, opens the voting window, gives each voter a fresh
session and CSRF secret, then POSTs as a browser would (wrk with bench/writes.lua), many at once, some voters twice
at the same moment.
Afterwards it counts the rows: every distinct voter exactly once, duplicates refused, nothing lost; the slot's
confirmed sign-ups equal its capacity, the rest waitlisted, nobody twice. Prints one line `CONCURRENCY {json}`.

Named concurrency.py, not concurrent.py: bench/ is on the path first, and a concurrent.py there would hide the
standard library's `concurrent` package that asyncio, Django and this script import.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "bench-concurrency"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8107")
    parser.add_argument("--voters", type=int, default=1000, help="distinct voters, one ballot each")
    parser.add_argument("--duplicates", type=int, default=200, help="voters who send a second ballot at once")
    parser.add_argument("--volunteers", type=int, default=200, help="distinct volunteers signing up for the slot")
    parser.add_argument("--signup-duplicates", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=50, help="seats of the slot")
    parser.add_argument("--threads", type=int, default=24, help="requests in flight at once (wrk's connections)")
    parser.add_argument("--processes", type=int, default=4, help="processes casting ballots without HTTP")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- preparation (in the database) ------------------------------------------------------------------------------


def prepare_users(count):
    """cv0001 ... cvNNNN: active members (the electorate of a competition) with a volunteer profile each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from members import roles
    from members.models import Member, Organization
    from volunteers.models import VolunteerProfile

    User = get_user_model()
    names = [f"cv{number:04d}" for number in range(1, count + 1)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    branches = list(Organization.objects.filter(kind=Organization.Kind.BRANCH).order_by("path"))
    new = User.objects.bulk_create([User(username=name, password="!") for name in names if name not in have])
    group = Group.objects.get(name=roles.MEMBER)
    User.groups.through.objects.bulk_create([User.groups.through(user=user, group=group) for user in new])
    Member.objects.bulk_create(
        [
            Member(
                user=user,
                name=f"测试{user.username[2:]}",
                organization=branches[i % len(branches)],
                category=Member.Category.FULL,
                phone="13800000000",
            )
            for i, user in enumerate(new)
        ]
    )
    VolunteerProfile.objects.bulk_create(
        [VolunteerProfile(user=user, name=f"测试{user.username[2:]}", phone="13800000000") for user in new]
    )
    return list(User.objects.filter(username__in=names).order_by("username"))


def sessions_for(users):
    """A logged-in session per user (as the login view stores it) and a CSRF secret, as cookies and form token."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from dangjian.sessions import RENEWED_AT

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # the server's own (Redis, then the database)
    result = {}
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(3600)
        # As after the voter's GET of the form: the idle-session renewal is not due (dangjian.sessions).
        session[RENEWED_AT] = int(time.time())
        session.save()
        # The unmasked secret is what Django's CSRF cookie holds; the form may carry it as it is.
        token = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={token}"
        result[user.pk] = (cookie, token)
    return result


def prepare_competition(now):
    """The competition of this test, its voting window open now and its ballots of earlier runs gone."""
    from awards.models import AwardIndexPage, Ballot, CompetitionPage, EntryPage
    from dangjian.bulk import add_children
    from members.models import Organization

    index = AwardIndexPage.objects.first()
    day = datetime.timedelta(days=1)
    windows = {
        "nomination_start": now - 20 * day,
        "nomination_end": now - 10 * day,
        "voting_start": now - datetime.timedelta(hours=1),
        "voting_end": now + day,
        "publicity_start": now + 10 * day,
        "publicity_end": now + 17 * day,
    }
    competition = CompetitionPage.objects.child_of(index).filter(slug=SLUG).first()
    if competition is None:
        (competition,) = add_children(
            index,
            [
                CompetitionPage(
                    title="并发投票测试评选",
                    slug=SLUG,
                    summary="基准测试用：检验同时投票时每人只计一票。",
                    choices_per_ballot=3,
                    first_published_at=now - 20 * day,
                    last_published_at=now - 20 * day,
                    live=True,
                    **windows,
                )
            ],
        )
        branches = list(Organization.objects.filter(kind=Organization.Kind.BRANCH).order_by("path")[:10])
        add_children(
            competition,
            [
                EntryPage(
                    title=f"{branch.name}参评作品",
                    slug=f"entry-{number:02d}",
                    nominating_organization=branch,
                    first_published_at=competition.first_published_at,
                    last_published_at=competition.first_published_at,
                    live=True,
                )
                for number, branch in enumerate(branches, start=1)
            ],
        )
    CompetitionPage.objects.filter(pk=competition.pk).update(**windows)
    Ballot.objects.filter(competition=competition).delete()  # its choices go with it (CASCADE)
    entry_ids = list(EntryPage.objects.child_of(competition).values_list("pk", flat=True))
    return competition, entry_ids


def prepare_slot(now, capacity):
    """The one slot of this test's project: in a week, `capacity` seats, nobody signed up."""
    from dangjian.bulk import add_children
    from volunteers.models import ServiceSlot, SignUp, VolunteerProjectIndexPage, VolunteerProjectPage

    index = VolunteerProjectIndexPage.objects.first()
    start = now + datetime.timedelta(days=7)
    project = VolunteerProjectPage.objects.child_of(index).filter(slug=SLUG).first()
    if project is None:
        (project,) = add_children(
            index,
            [
                VolunteerProjectPage(
                    title="并发报名测试项目",
                    slug=SLUG,
                    place="县城东社区党群服务中心",
                    description="<p>基准测试用：检验同时报名时名额不超、候补有序、无人重复。</p>",
                    status=VolunteerProjectPage.Status.RECRUITING,
                    status_order=0,
                    first_published_at=now,
                    last_published_at=now,
                    live=True,
                )
            ],
        )
    slot = ServiceSlot.objects.filter(page=project).first() or ServiceSlot(page=project, sort_order=0)
    if slot.pk:
        SignUp.objects.filter(slot=slot).delete()  # their attendance changes go with them (CASCADE)
    slot.start, slot.end = start, start + datetime.timedelta(hours=3)
    slot.capacity, slot.is_cancelled = capacity, False
    slot.save()
    return slot


# --- load (over HTTP) -------------------------------------------------------------------------------------------


def check_form(base, path, cookie, marker):
    """One GET first, as the voter's browser would: the form is there and the server answers."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie, "Host": parts.hostname})
    response = connection.getresponse()
    html = response.read().decode("utf-8", "replace")
    connection.close()
    if response.status != 200 or marker not in html:
        sys.exit(f"{path}: status {response.status}, no {marker!r} in the page: the form is not offered")


# What a write costs each process taking part, by the name the kernel knows it by (the client, wrk, is measured
# as this script's child).
CPU_ACCOUNTS = ("gunicorn", "postgres", "redis-server")


def cpu_seconds():
    """{(kind, pid): CPU seconds (user + system) used so far} for the processes of each kind in CPU_ACCOUNTS."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as file:
                stat = file.read()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name in CPU_ACCOUNTS:
            fields = stat[stat.rindex(")") + 2 :].split()  # from the state on: utime and stime are the 12th, 13th
            used[name, int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def cpu_used_between(before, after):
    """CPU seconds per kind between two cpu_seconds() readings: what each process running at the end used since the
    start (all of it if it started meanwhile). A process that ended meanwhile is left out: its time is gone from
    /proc (PostgreSQL's backends live as long as the server's persistent connections)."""
    totals = dict.fromkeys(CPU_ACCOUNTS, 0.0)
    for (kind, pid), seconds in after.items():
        totals[kind] += seconds - before.get((kind, pid), 0.0)
    return totals


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fire(base, jobs, in_flight, idle_path):
    """Send every job (path, cookie, form fields) once as a form POST through wrk (bench/writes.lua), `in_flight`
    at once, with the same load tool as the pages: a Python client would take a good part of the two cores from the
    server it measures. Returns a Counter of the answers' statuses, the seconds from the first to the last, and the
    CPU milliseconds per job that the server, PostgreSQL, Redis and wrk spent meanwhile.

    A duplicate is the job right after its original: the two leave from wrk's two threads at the same moment."""
    threads = 2
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", prefix="bench-jobs-", delete=False) as file:
        for path, cookie, fields in jobs:
            file.write(f"{path}\t{cookie}\t{urlencode(fields)}\n")
    done = tempfile.mkdtemp(prefix="bench-done-")
    # wrk runs for its -d (a bound: 20 jobs a second at least) unless ended early, which it is once both threads
    # have their answers (writes.lua leaves a file each); it then prints its report as after Ctrl-C.
    command = ["wrk", f"-t{threads}", f"-c{max(in_flight, threads)}", f"-d{len(jobs) // 20 + 10}s", "--timeout", "60s"]
    command += ["-s", str(ROOT / "bench" / "writes.lua"), base + idle_path, "--", str(threads)]
    environment = {**os.environ, "BENCH_JOBS": file.name, "BENCH_IDLE_PATH": idle_path, "BENCH_DONE_DIR": done}
    cpu_before, client_before = cpu_seconds(), children_cpu_seconds()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)
        while process.poll() is None and len(os.listdir(done)) < threads:
            time.sleep(0.05)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        output = process.communicate()[0]
        cpu_after, client_after = cpu_seconds(), children_cpu_seconds()
    finally:
        os.unlink(file.name)
        shutil.rmtree(done)
    match = re.search(r"WRITES s302=(\d+) s409=(\d+) other=(\d+) idle=\d+ errors=(\d+) seconds=([\d.]+)", output)
    if match is None:
        sys.exit(f"wrk did not report: {output}")
    accepted, refused, other, errors, seconds = match.groups()
    statuses = Counter({302: int(accepted), 409: int(refused), "other": int(other), "socket errors": int(errors)})
    cpu = cpu_used_between(cpu_before, cpu_after)
    cpu["wrk"] = client_after - client_before
    return +statuses, float(seconds), {name: round(1000 * value / len(jobs), 2) for name, value in cpu.items()}


def schedule(users, duplicates, rng):
    """Users in a shuffled order; the first `duplicates` of them twice, back to back."""
    units = [[user, user] if i < duplicates else [user] for i, user in enumerate(users)]
    rng.shuffle(units)
    return [user for unit in units for user in unit]


# --- straight into the database -------------------------------------------------------------------------------


def _cast_share(job):
    """In a worker process: cast this share's ballots through awards.services.cast_ballot; statuses and times."""
    from django.db import connection

    from awards.models import CompetitionPage
    from awards.services import AwardError, cast_ballot

    competition_id, share = job
    competition = CompetitionPage.objects.get(pk=competition_id)
    results = []
    started = time.time()
    for voter, entries in share:
        try:
            cast_ballot(competition, voter, entries, "127.0.0.1")
            results.append((voter.pk, 302))
        except AwardError as error:
            results.append((voter.pk, error.status))
    finished = time.time()
    connection.close()
    return results, started, finished


def direct_ballots(competition, voters, entry_ids, duplicates, processes, rng):
    """The same ballots through the service layer in `processes` processes, without HTTP: what PostgreSQL and
    the ballot code take, apart from Django's request handling. Duplicates are spread so that both copies of a
    voter's ballot are in flight in different processes."""
    import multiprocessing

    from django.db import connections

    from awards.models import Ballot

    Ballot.objects.filter(competition=competition).delete()
    jobs = [(voter, [str(e) for e in rng.sample(entry_ids, 2)]) for voter in schedule(voters, duplicates, rng)]
    shares = [(competition.pk, jobs[number::processes]) for number in range(processes)]
    connections.close_all()  # each process opens its own connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        outcomes = pool.map(_cast_share, shares)
    statuses = Counter(status for share_results, _, _ in outcomes for _, status in share_results)
    seconds = max(end for _, _, end in outcomes) - min(start for _, start, _ in outcomes)
    return count_ballots(competition, voters, statuses, seconds)


# --- counting (in the database) ---------------------------------------------------------------------------------


def count_ballots(competition, voters, statuses, seconds, cpu_ms=None):
    from awards.models import Ballot

    per_voter = Counter(Ballot.objects.filter(competition=competition).values_list("voter_id", flat=True))
    sent_voters = {voter.pk for voter in voters}
    return {
        "requests": sum(statuses.values()),
        "voters": len(sent_voters),
        "accepted": statuses.get(302, 0),
        "refused": statuses.get(409, 0),
        "other": {str(status): n for status, n in statuses.items() if status not in (302, 409)},
        "stored": sum(per_voter.values()),
        "doubled": sum(1 for n in per_voter.values() if n > 1),
        "lost": len(sent_voters - set(per_voter)),
        "seconds": round(seconds, 3),
        "per_second": round(sum(statuses.values()) / seconds, 1),
        "cpu_ms_per_request": cpu_ms,
    }


def count_signups(slot, volunteers, statuses, seconds, cpu_ms=None):
    from volunteers.models import SignUp

    rows = list(SignUp.objects.filter(slot=slot).values_list("user_id", "status", "seat"))
    per_user = Counter(user_id for user_id, status, _ in rows if status in SignUp.ACTIVE)
    seats = [seat for _, status, seat in rows if status == SignUp.Status.CONFIRMED]
    sent = {user.pk for user in volunteers}
    return {
        "requests": sum(statuses.values()),
        "volunteers": len(sent),
        "capacity": slot.capacity,
        "accepted": statuses.get(302, 0),
        "refused": statuses.get(409, 0),
        "other": {str(status): n for status, n in statuses.items() if status not in (302, 409)},
        "stored": sum(per_user.values()),
        "confirmed": len(seats),
        "waitlisted": sum(1 for _, status, _ in rows if status == SignUp.Status.WAITLISTED),
        "seats_distinct": len(set(seats)) == len(seats) and all(1 <= seat <= slot.capacity for seat in seats),
        "doubled": sum(1 for n in per_user.values() if n > 1),
        "lost": len(sent - set(per_user)),
        "seconds": round(seconds, 3),
        "per_second": round(sum(statuses.values()) / seconds, 1),
        "cpu_ms_per_request": cpu_ms,
    }


def main():
    args = parse_args()
    import django

    django.setup()
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.urls import reverse
    from django.utils import timezone

    rng = random.Random(args.seed)
    now = timezone.now().replace(microsecond=0)
    users = prepare_users(max(args.voters, args.volunteers))
    competition, entry_ids = prepare_competition(now)
    slot = prepare_slot(now, args.capacity)
    cookies = sessions_for(users)
    print(f"并发测试：{len(users)} 个账号、会话已就绪", flush=True)

    voters = users[: args.voters]
    path = competition.url
    check_form(args.base, path, cookies[voters[0].pk][0], 'name="entries"')
    idle_path = staticfiles_storage.url("css/site.css")
    jobs = []
    for voter in schedule(voters, args.duplicates, rng):
        cookie, token = cookies[voter.pk]
        chosen = rng.sample(entry_ids, rng.randint(1, min(3, len(entry_ids))))
        jobs.append((path, cookie, [("csrfmiddlewaretoken", token)] + [("entries", e) for e in chosen]))
    statuses, seconds, cpu_ms = fire(args.base, jobs, args.threads, idle_path)
    ballots = count_ballots(competition, voters, statuses, seconds, cpu_ms)
    print(f"投票：{json.dumps(ballots, ensure_ascii=False)}", flush=True)
    # The same voters' POSTs to a view that does nothing (bench/bench_urls.py): what the stack itself costs.
    floor_jobs = [("/bench/logged-in-post/", cookie, fields[:1]) for _, cookie, fields in jobs]
    statuses, seconds, cpu_ms = fire(args.base, floor_jobs, args.threads, idle_path)
    floor = {
        "requests": sum(statuses.values()),
        "answered_302": statuses.get(302, 0),
        "seconds": round(seconds, 3),
        "per_second": round(sum(statuses.values()) / seconds, 1),
        "cpu_ms_per_request": cpu_ms,
    }
    print(f"空请求（登录后 POST，不做任何事）：{json.dumps(floor, ensure_ascii=False)}", flush=True)
    direct = direct_ballots(competition, voters, entry_ids, args.duplicates, args.processes, rng)
    print(f"投票（直接写库，{args.processes} 个进程）：{json.dumps(direct, ensure_ascii=False)}", flush=True)

    volunteers = users[: args.volunteers]
    path = reverse("volunteers:sign_up", args=[slot.pk])
    jobs = [
        (path, cookies[user.pk][0], [("csrfmiddlewaretoken", cookies[user.pk][1])])
        for user in schedule(volunteers, args.signup_duplicates, rng)
    ]
    statuses, seconds, cpu_ms = fire(args.base, jobs, args.threads, idle_path)
    signups = count_signups(slot, volunteers, statuses, seconds, cpu_ms)
    print(f"报名：{json.dumps(signups, ensure_ascii=False)}", flush=True)
    summary = {
        "threads": args.threads,
        "processes": args.processes,
        "ballots": ballots,
        "floor": floor,
        "direct_ballots": direct,
        "signups": signups,
    }
    print("CONCURRENCY " + json.dumps(summary, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
