"""The rules of 十佳评选 that span models. Views, admin views and the demo content call these, never the models directly.

Every refusal raises an AwardError carrying a Chinese message and the HTTP status a view should answer with.
"""

import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.log_actions import log

from members.models import Organization
from members.scope import member_organizations
from security import audit

from .models import (
    Ballot,
    BallotChoice,
    CompetitionPage,
    EntryPage,
    ExpertScore,
    Finalization,
    FinalResult,
    Objection,
)

CENT = Decimal("0.01")
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone without confusion
MAX_PENDING_OBJECTIONS = 5


class AwardError(Exception):
    status = 400

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class InvalidInput(AwardError):
    status = 400


class NotAllowed(AwardError):
    status = 403


class Conflict(AwardError):
    status = 409


class AlreadyVoted(Conflict):
    """A second ballot from the same voter (the same day, where the rules allow one a day); `ballot` is his first."""

    def __init__(self, message, ballot=None):
        super().__init__(message)
        self.ballot = ballot


class TooMany(AwardError):
    status = 429


# --- ballots -----------------------------------------------------------------------------------------------


def new_ballot_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def client_hash(competition, address):
    """A keyed hash of the address, per competition: ballots from one address can be grouped, never traced back."""
    if not address:
        return ""
    return salted_hmac("awards.ballot.client-address", f"{competition.pk}:{address}", algorithm="sha256").hexdigest()


def parse_entry_ids(values):
    ids = []
    for value in values:
        value = str(value).strip()
        if not value.isdigit() or len(value) > 18:
            raise InvalidInput("选票内容无效，请刷新页面后重新选择。")
        ids.append(int(value))
    return ids


def cast_ballot(competition, voter, entry_ids, address="", now=None):
    """Store one ballot with its choices, or refuse it and store nothing.

    The database's unique constraints refuse a second ballot from the same voter (per day, where the rules say
    so), also when two arrive at the same instant: the loser's insert fails and he is told he has voted.
    """
    now = now or timezone.now()
    if competition.is_finalized or now >= competition.voting_end:
        raise NotAllowed("本次评选投票已经结束。")
    if now < competition.voting_start:
        raise NotAllowed("本次评选投票尚未开始。")
    if not competition.user_may_vote(voter):
        if competition.electorate == CompetitionPage.Electorate.MEMBERS:
            raise NotAllowed("本次评选仅限在册党员投票。")
        raise NotAllowed("请先登录后投票。")
    ids = parse_entry_ids(entry_ids)
    if not ids:
        raise InvalidInput("请至少选择一个作品。")
    if len(set(ids)) != len(ids):
        raise InvalidInput("同一作品只能选择一次。")
    if len(ids) > competition.choices_per_ballot:
        raise InvalidInput(f"每张选票最多选择 {competition.choices_per_ballot} 个作品，您选择了 {len(ids)} 个。")
    if not set(ids) <= competition.live_entry_ids():
        raise InvalidInput("所选作品不属于本次评选，请刷新页面后重新选择。")

    day = competition.voting_day(now)
    for _attempt in range(3):
        ballot = Ballot(
            competition=competition,
            voter=voter,
            voting_day=day,
            code=new_ballot_code(),
            cast_at=now,
            client_hash=client_hash(competition, address),
        )
        try:
            store_ballot(ballot, ids)
            return ballot
        except IntegrityError:
            existing = Ballot.objects.filter(competition=competition, voter=voter, voting_day=day).first()
            if existing is not None:
                if day is None:
                    message = f"您已经在本次评选中投过票（凭证号 {existing.code}），每人限投一次。"
                else:
                    message = f"您今天已经投过票（凭证号 {existing.code}），请明天再来。"
                raise AlreadyVoted(message, ballot=existing) from None
            # Otherwise the receipt code collided (about one in 10^18): draw another.
    raise Conflict("投票未能保存，请稍后再试。")


def store_ballot(ballot, entry_ids):
    """Insert an unsaved ballot and its choices, both or neither; IntegrityError if a constraint refuses them.

    On PostgreSQL the two inserts are one statement (a data-modifying CTE), which is atomic by itself: one round
    trip where a transaction takes four (BEGIN, two INSERTs, COMMIT), on the busiest write of the site. The column
    list and values come from the model's fields, as Model.save() prepares them. No post_save is sent: nothing
    listens for a new ballot (awards/signals.py reacts to changes and deletions only).
    """
    connection = connections[router.db_for_write(Ballot)]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=connection.alias):
            ballot.save(force_insert=True, using=connection.alias)
            BallotChoice.objects.using(connection.alias).bulk_create(
                [BallotChoice(ballot=ballot, entry_id=entry_id) for entry_id in entry_ids]
            )
        return
    if connection.in_atomic_block:
        # Inside a caller's transaction, a refused insert must not abort it: give the statement a savepoint.
        with transaction.atomic(using=connection.alias):
            _insert_ballot_and_choices(connection, ballot, entry_ids)
    else:
        _insert_ballot_and_choices(connection, ballot, entry_ids)


def _insert_ballot_and_choices(connection, ballot, entry_ids):
    quote = connection.ops.quote_name
    ballot_meta, choice_meta = Ballot._meta, BallotChoice._meta
    fields = [field for field in ballot_meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(ballot, True), connection) for field in fields]
    pk = quote(ballot_meta.pk.column)
    ballot_column = quote(choice_meta.get_field("ballot").column)
    # entry_ids is never empty (cast_ballot refuses an empty ballot), so the statement returns the ballot's id.
    sql = (
        f"WITH ballot AS (INSERT INTO {quote(ballot_meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {pk}) "
        f"INSERT INTO {quote(choice_meta.db_table)} "
        f"({ballot_column}, {quote(choice_meta.get_field('entry').column)}) "
        f"SELECT ballot.{pk}, entry FROM ballot, unnest(%s::integer[]) AS entry RETURNING {ballot_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, list(entry_ids)])
        ballot.pk = cursor.fetchone()[0]
    ballot._state.adding = False
    ballot._state.db = connection.alias


def quarantine_ballot(ballot, user, reason, now=None):
    """Take a suspicious ballot out of the count. It stays, with the reason, in the table and in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写隔离原因。")
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if not ballot.is_counted:
            raise Conflict("这张选票已被隔离。")
        if Finalization.objects.filter(competition_id=ballot.competition_id).exists():
            raise Conflict("评选已定案，选票不能再隔离。")
        ballot.status = Ballot.Status.QUARANTINED
        ballot.quarantine_reason = reason
        ballot.quarantined_by = user
        ballot.quarantined_at = now or timezone.now()
        ballot.save(update_fields=["status", "quarantine_reason", "quarantined_by", "quarantined_at"])
        log(instance=ballot, action="awards.ballot.quarantine", user=user, data={"code": ballot.code, "reason": reason})
        audit.record(
            audit.Kind.BALLOT_QUARANTINE, user=user, target=f"选票 {ballot.code}", code=ballot.code, reason=reason
        )
    return ballot


# --- expert scores ---------------------------------------------------------------------------------------------


def expert_home_organization(user):
    """The unit (单位) an expert works in: the deepest of his organizations of kind 单位, else his branch."""
    organizations = sorted(member_organizations(user), key=lambda organization: organization.path)
    if not organizations:
        return None
    units = [organization for organization in organizations if organization.kind == Organization.Kind.UNIT]
    return (units or organizations)[-1]


def has_conflict(home_organization, entry):
    """An expert does not score an entry nominated by his own unit or any of its sub-organizations."""
    if home_organization is None:
        return False
    return entry.nominating_organization.path.startswith(home_organization.path)


def is_expert(user, competition):
    return bool(competition.expert_group_id) and user.groups.filter(pk=competition.expert_group_id).exists()


def record_expert_score(competition, entry, expert, score, comment="", now=None):
    now = now or timezone.now()
    if not is_expert(expert, competition):
        raise NotAllowed("您不是本次评选的评审专家。")
    if not competition.scoring_open(now):
        raise NotAllowed("现在不是专家评分时间（推荐截止后至公示开始前）。")
    if entry.get_parent().pk != competition.pk:
        raise InvalidInput("该作品不属于本次评选。")
    if has_conflict(expert_home_organization(expert), entry):
        raise NotAllowed(f"《{entry.title}》由您所在单位推荐，须回避评分。")
    try:
        score = Decimal(str(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise InvalidInput("评分必须是数字。") from None
    if not (0 <= score <= competition.max_score):
        raise InvalidInput(f"评分应在 0 到 {competition.max_score} 分之间。")
    result, _ = ExpertScore.objects.update_or_create(
        entry=entry,
        expert=expert,
        defaults={"competition": competition, "score": score, "comment": comment.strip()[:500], "scored_at": now},
    )
    return result


# --- results ---------------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    entry: EntryPage
    votes: int
    expert_average: Decimal | None
    expert_count: int
    public_part: Decimal
    expert_part: Decimal
    total: Decimal
    rank: int = 0
    is_winner: bool = False


@dataclass
class Results:
    rows: list
    highest_votes: int
    counted_ballots: int
    quarantined_ballots: int
    public_weight: int
    max_score: int
    final: bool = False
    finalization: Finalization | None = None
    votes_by_entry: dict = field(default_factory=dict)

    @property
    def expert_weight(self):
        return 100 - self.public_weight

    @property
    def winners(self):
        return [row for row in self.rows if row.is_winner]

    # What decided the result: a part with no weight, or with nothing in it (no counted ballot, no expert's
    # score), decided nothing, and the public text must not say it did.

    @property
    def votes_decided(self):
        return self.public_weight > 0 and self.highest_votes > 0

    @property
    def experts_decided(self):
        return self.expert_weight > 0 and any(row.expert_count for row in self.rows)

    @property
    def decided_by(self):
        """E.g. "群众投票、专家评审", "群众投票", "专家评审"; "" when neither counted."""
        parts = [
            name for name, counted in (("群众投票", self.votes_decided), ("专家评审", self.experts_decided)) if counted
        ]
        return "、".join(parts)


def _ballot_counts(competition):
    counts = dict(Ballot.objects.filter(competition=competition).values_list("status").annotate(n=Count("pk")))
    return counts.get(Ballot.Status.COUNTED, 0), counts.get(Ballot.Status.QUARANTINED, 0)


def vote_tally(competition):
    """{entry id: votes} from counted ballots only: quarantined ballots never count."""
    return dict(
        BallotChoice.objects.filter(ballot__competition=competition, ballot__status=Ballot.Status.COUNTED)
        .values_list("entry_id")
        .annotate(n=Count("pk"))
    )


def final_score(votes, highest_votes, expert_average, public_weight, max_score):
    """public share × (votes / highest votes) + expert share × (expert average / maximum score), in points of 100."""
    public_part = Decimal(0)
    if highest_votes:
        public_part = (Decimal(public_weight) * votes / highest_votes).quantize(CENT, rounding=ROUND_HALF_UP)
    expert_part = Decimal(0)
    if expert_average is not None:
        expert_part = (Decimal(100 - public_weight) * expert_average / max_score).quantize(CENT, rounding=ROUND_HALF_UP)
    return public_part, expert_part, public_part + expert_part


def compute_results(competition, entries=None):
    """The live results: from counted ballots and the experts' scores, ranked by the weighted score."""
    entries = list(entries if entries is not None else competition.entries())
    votes = vote_tally(competition)
    scores = {
        row["entry_id"]: (Decimal(str(row["average"])).quantize(CENT, rounding=ROUND_HALF_UP), row["n"])
        for row in ExpertScore.objects.filter(competition=competition)
        .values("entry_id")
        .annotate(average=Avg("score"), n=Count("pk"))
    }
    highest = max((votes.get(entry.pk, 0) for entry in entries), default=0)
    rows = []
    for entry in entries:
        average, count = scores.get(entry.pk, (None, 0))
        entry_votes = votes.get(entry.pk, 0)
        public_part, expert_part, total = final_score(
            entry_votes, highest, average, competition.public_weight, competition.max_score
        )
        rows.append(ResultRow(entry, entry_votes, average, count, public_part, expert_part, total))
    rows.sort(key=lambda row: (-row.total, -row.votes, -(row.expert_average or 0), row.entry.path))
    for position, row in enumerate(rows, start=1):
        row.rank = position
        row.is_winner = position <= competition.winner_count and row.total > 0
    counted, quarantined = _ballot_counts(competition)
    return Results(
        rows=rows,
        highest_votes=highest,
        counted_ballots=counted,
        quarantined_ballots=quarantined,
        public_weight=competition.public_weight,
        max_score=competition.max_score,
        votes_by_entry=votes,
    )


def competition_results(competition, entries=None):
    """The frozen results once the competition is finalized, else the live ones."""
    if not competition.is_finalized:
        return compute_results(competition, entries)
    finalization = competition.finalization
    stored = (
        FinalResult.objects.filter(competition=competition)
        .select_related("entry", "entry__nominating_organization")
        .order_by("rank")
    )
    rows = [
        ResultRow(
            entry=result.entry,
            votes=result.votes,
            expert_average=result.expert_average,
            expert_count=result.expert_count,
            public_part=result.public_part,
            expert_part=result.expert_part,
            total=result.total,
            rank=result.rank,
            is_winner=result.is_winner,
        )
        for result in stored
    ]
    return Results(
        rows=rows,
        highest_votes=finalization.highest_votes,
        counted_ballots=finalization.counted_ballots,
        quarantined_ballots=finalization.quarantined_ballots,
        public_weight=finalization.public_weight,
        max_score=finalization.max_score,
        final=True,
        finalization=finalization,
        votes_by_entry={row.entry.pk: row.votes for row in rows},
    )


# --- publicity and finalization -----------------------------------------------------------------------------


def raise_objection(competition, user, signature, content, contact="", entry=None, now=None):
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed("请先登录后提出异议。")
    if not competition.publicity_open(now):
        raise NotAllowed("只能在公示期内提出异议。")
    signature, content = (signature or "").strip(), (content or "").strip()
    if not signature or not content:
        raise InvalidInput("请署真实姓名并填写异议内容。")
    if entry is not None and entry.get_parent().pk != competition.pk:
        raise InvalidInput("所涉作品不属于本次评选。")
    pending = Objection.objects.filter(competition=competition, author=user, status=Objection.Status.PENDING)
    if pending.count() >= MAX_PENDING_OBJECTIONS:
        raise TooMany(f"您已有 {MAX_PENDING_OBJECTIONS} 件异议正在处理，请等待处理结果后再提出。")
    return Objection.objects.create(
        competition=competition,
        entry=entry,
        author=user,
        signature=signature[:50],
        contact=(contact or "").strip()[:20],
        content=content,
        raised_at=now,
    )


def handle_objection(objection, user, status, handling, now=None):
    handling = (handling or "").strip()
    if status not in (Objection.Status.UPHELD, Objection.Status.DISMISSED):
        raise InvalidInput("请选择处理结论（异议成立或不成立）。")
    if not handling:
        raise InvalidInput("请填写处理情况。")
    objection.status = status
    objection.handling = handling
    objection.handled_by = user
    objection.handled_at = now or timezone.now()
    objection.save()
    log(
        instance=objection,
        action="awards.objection.handle",
        user=user,
        data={"status": objection.get_status_display(), "handling": handling},
    )
    return objection


def finalize_competition(competition, user, note="", now=None):
    """定案: freeze the results and mark the winners. Only once, after publicity, with every objection handled."""
    now = now or timezone.now()
    if competition.is_finalized:
        raise Conflict("本次评选已经定案。")
    if now < competition.publicity_end:
        raise Conflict("公示期尚未结束，不能定案。")
    pending = Objection.objects.filter(competition=competition, status=Objection.Status.PENDING).count()
    if pending:
        raise Conflict(f"尚有 {pending} 件异议未处理，处理完毕后才能定案。")
    results = compute_results(competition)
    try:
        with transaction.atomic():
            finalization = Finalization.objects.create(
                competition=competition,
                finalized_at=now,
                finalized_by=user,
                public_weight=competition.public_weight,
                max_score=competition.max_score,
                highest_votes=results.highest_votes,
                counted_ballots=results.counted_ballots,
                quarantined_ballots=results.quarantined_ballots,
                note=note.strip(),
            )
            FinalResult.objects.bulk_create(
                FinalResult(
                    competition=competition,
                    entry=row.entry,
                    rank=row.rank,
                    votes=row.votes,
                    expert_average=row.expert_average,
                    expert_count=row.expert_count,
                    public_part=row.public_part,
                    expert_part=row.expert_part,
                    total=row.total,
                    is_winner=row.is_winner,
                )
                for row in results.rows
            )
            log(
                instance=competition,
                action="awards.competition.finalize",
                user=user,
                data={"winners": [row.entry.title for row in results.winners]},
            )
    except IntegrityError:
        raise Conflict("本次评选已经定案。") from None
    competition.finalization = finalization
    return finalization


def winner_badges(page_ids):
    """{page id: [(label, competition)]} for pages that a winning entry of a finalized competition points at."""
    winners = (
        FinalResult.objects.filter(is_winner=True, entry__related_page_id__in=page_ids, entry__live=True)
        .select_related("competition", "entry")
        .order_by("competition__voting_start")
    )
    badges = {}
    for result in winners:
        badges.setdefault(result.entry.related_page_id, []).append(result.competition)
    return badges
