"""结业证明: issued once when a member finishes a course, numbered, and checkable by anyone who holds the number.

A number is `DXKC{year}{serial:05d}-{check}`: the year it was issued, that year's serial (a locked counter, as the
disclosures' 索引号), and a random check of five characters from an alphabet without look-alikes. The serial says how
many were issued; the check is what makes a number impossible to guess (32^5, some 33 million, per serial), so the
public verify page can answer every query without letting anyone walk through the holders.
"""

import re
import secrets
import unicodedata

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.http import client_address

from . import reports
from .models import CertificateCounter, CourseCertificate, CreditRecord

PREFIX = "DXKC"
CHECK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: the number is typed from paper
CHECK_LENGTH = 5
NUMBER_PATTERN = re.compile(rf"{PREFIX}(\d{{4}})(\d{{5}})-([{CHECK_ALPHABET}]{{{CHECK_LENGTH}}})")
MAX_INPUT = 60
DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff0d]")  # the dashes an input method or a copy may give


def make_number(year, serial):
    check = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))
    return f"{PREFIX}{year}{serial:05d}-{check}"


def normalize_number(text):
    """The number as stored, from what a visitor typed (full-width characters, lower case, spaces, another dash),
    or None if it cannot be one."""
    text = (text or "")[:MAX_INPUT]
    text = DASHES.sub("-", unicodedata.normalize("NFKC", text))
    text = re.sub(r"\s+", "", text).upper()
    return text if NUMBER_PATTERN.fullmatch(text) else None


def mask_name(name):
    """张*明, 李*, 欧**月: enough for a holder to recognise himself, not enough to name him."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def course_completion(member, course):
    """When the member finished the course (the last of its credits), or None if he has not: the rule of the
    reports (reports.course_finished) over the year's live lessons, for the members the course applies to."""
    listed = next((row for row in reports.year_courses(course.year) if row.pk == course.pk), None)
    if listed is None or not listed.applies_to(member):
        return None
    credited = dict(
        CreditRecord.objects.filter(
            member=member,
            source__in=[CreditRecord.Source.LESSON, CreditRecord.Source.COURSE_TEST],
            page_id__in=[*listed.lesson_ids, listed.pk],
        )
        .values_list("page_id")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    if not reports.course_finished(listed, set(credited)):
        return None
    return max(credited.values())


def issue_certificate(member, course):
    """The member's certificate of the course: the one issued before, or a new one once he has finished it; None
    while he has not. Issued once however many requests ask at the same moment: the unique constraint on member and
    course decides, and the loser's serial is rolled back with its savepoint."""
    existing = CourseCertificate.objects.filter(member=member, course=course).first()
    if existing is not None:
        return existing
    completed_at = course_completion(member, course)
    if completed_at is None:
        return None
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            counter, _ = CertificateCounter.objects.select_for_update().get_or_create(year=year)
            counter.last_serial += 1
            counter.save(update_fields=["last_serial"])
            return CourseCertificate.objects.create(
                number=make_number(year, counter.last_serial),
                member=member,
                course=course,
                holder_name=member.name,
                course_title=course.title,
                course_year=course.year,
                completed_on=timezone.localtime(completed_at).date(),
            )
    except IntegrityError:
        return CourseCertificate.objects.get(member=member, course=course)


def issue_if_finished(record):
    """After a lesson's or a course test's credit is written: the course's certificate, if that finished it."""
    if record.course_id and record.source in (CreditRecord.Source.LESSON, CreditRecord.Source.COURSE_TEST):
        issue_certificate(record.member, record.course)


# ---------------------------------------------------------------------------------------------- verification

# Unknown numbers a visitor may try in an hour. The random check already makes guessing hopeless; this only keeps a
# script from making the attempt cost us anything.
VERIFY_MISSES_PER_HOUR = 30
VERIFY_WINDOW = 3600


def _misses_key(request):
    return f"learning:certificate-misses:{client_address(request)}"


def too_many_misses(request):
    return (cache.get(_misses_key(request)) or 0) >= VERIFY_MISSES_PER_HOUR


def count_miss(request):
    key = _misses_key(request)
    if not cache.add(key, 1, timeout=VERIFY_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=VERIFY_WINDOW)
