"""The pages of 十佳评选: an index, its competitions, and each competition's entries."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.images import get_image_model, get_image_model_string
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from home.models import BasePage


class AwardIndexPage(BasePage):
    """评选活动: lists the competitions, the newest first."""

    introduction = RichTextField("导语", blank=True, features=["bold", "italic", "link", "ol", "ul"])

    parent_page_types = ["home.HomePage"]
    subpage_types = ["awards.CompetitionPage"]
    max_count = 1
    template = "awards/award_index_page.html"
    page_size = 12

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = "评选活动首页"

    def search_body(self):
        return get_text_for_indexing(self.introduction)

    def competitions(self):
        return (
            CompetitionPage.objects.live()
            .child_of(self)
            .select_related("finalization")
            .order_by("-voting_start", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.competitions(), self.page_size)
        context["competitions"] = paginator.get_page(request.GET.get("page"))
        context["now"] = timezone.now()
        return context


class CompetitionPage(RoutablePageMixin, BasePage):
    """One competition: its rules, windows, entries (child pages), ballots, scores and results."""

    class Kind(models.TextChoices):
        PARTY_DAY = "party_day", "十佳党日活动"
        MICRO_LESSON = "micro_lesson", "十佳微型党课"
        ORGANIZATION_LIFE = "organization_life", "最佳组织生活实例"
        OTHER = "other", "其他评选"

    class Electorate(models.TextChoices):
        MEMBERS = "members", "仅限在册党员"
        REGISTERED = "registered", "所有注册用户"

    class Frequency(models.TextChoices):
        ONCE = "once", "每人限投一次"
        DAILY = "daily", "每人每天可投一次"

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", "尚未开始"
        NOMINATION = "nomination", "推荐申报中"
        PREPARING = "preparing", "等待投票"
        VOTING = "voting", "投票中"
        REVIEW = "review", "专家评审中"
        PUBLICITY = "publicity", "结果公示中"
        AWAITING = "awaiting", "公示结束，待定案"
        FINISHED = "finished", "已揭晓"

    kind = models.CharField("评选类别", max_length=30, choices=Kind.choices, default=Kind.OTHER)
    rules = RichTextField("评选办法", blank=True, features=["h3", "bold", "italic", "link", "ol", "ul"])
    nomination_start = models.DateTimeField("推荐开始")
    nomination_end = models.DateTimeField("推荐截止")
    voting_start = models.DateTimeField("投票开始")
    voting_end = models.DateTimeField("投票截止")
    publicity_start = models.DateTimeField("公示开始")
    publicity_end = models.DateTimeField("公示截止")
    choices_per_ballot = models.PositiveSmallIntegerField(
        "每张选票最多可选", default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    electorate = models.CharField("投票人", max_length=20, choices=Electorate.choices, default=Electorate.MEMBERS)
    frequency = models.CharField("投票次数", max_length=20, choices=Frequency.choices, default=Frequency.ONCE)
    winner_count = models.PositiveSmallIntegerField(
        "获奖名额", default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    public_weight = models.PositiveSmallIntegerField(
        "群众投票权重（%）",
        default=40,
        validators=[MaxValueValidator(100)],
        help_text="其余为专家评分权重。例如 40 表示群众投票占 40%，专家评分占 60%。",
    )
    max_score = models.PositiveSmallIntegerField(
        "专家评分满分", default=100, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    show_counts_during_voting = models.BooleanField(
        "投票期间公开票数",
        default=False,
        help_text="默认不公开，以免把评选变成拉票。公示开始后票数一律公开。",
    )
    expert_group = models.ForeignKey(
        "auth.Group",
        verbose_name="评审专家组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="该用户组的成员可在管理后台“专家评分”中为本评选的作品打分（本单位推荐的作品须回避）。",
    )

    parent_page_types = ["awards.AwardIndexPage"]
    subpage_types = ["awards.EntryPage"]
    template = "awards/competition_page.html"

    content_panels = BasePage.content_panels + [
        FieldPanel("kind"),
        FieldPanel("rules"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("nomination_start"), FieldPanel("nomination_end")]),
                FieldRowPanel([FieldPanel("voting_start"), FieldPanel("voting_end")]),
                FieldRowPanel([FieldPanel("publicity_start"), FieldPanel("publicity_end")]),
            ],
            heading="时间安排",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("choices_per_ballot"), FieldPanel("winner_count")]),
                FieldRowPanel([FieldPanel("electorate"), FieldPanel("frequency")]),
                FieldPanel("show_counts_during_voting"),
            ],
            heading="投票规则",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("public_weight"), FieldPanel("max_score")]), FieldPanel("expert_group")],
            heading="评分规则",
        ),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("rules")]

    class Meta:
        verbose_name = "评选"
        verbose_name_plural = "评选"
        permissions = [("finalize_competition", "可确定评选结果（定案）")]

    def search_body(self):
        return get_text_for_indexing(self.rules)

    # --- rules -------------------------------------------------------------------------------------------

    @property
    def expert_weight(self):
        return 100 - self.public_weight

    @property
    def scoring_rule(self):
        """The scoring rule in words, naming only the parts that count."""
        if self.expert_weight == 0:
            return "只计群众投票，不设专家评分"
        if self.public_weight == 0:
            return "只计专家评分，群众投票不计入综合得分"
        return f"群众投票占 {self.public_weight}%，专家评分占 {self.expert_weight}%"

    @property
    def award_label(self):
        """The mark a winner carries, e.g. 十佳微型党课."""
        return self.get_kind_display() if self.kind != self.Kind.OTHER else "获奖作品"

    def clean(self):
        super().clean()
        order = [
            ("nomination_start", "nomination_end", "推荐截止须晚于推荐开始。"),
            ("nomination_end", "voting_start", "投票开始不能早于推荐截止。"),
            ("voting_start", "voting_end", "投票截止须晚于投票开始。"),
            ("voting_end", "publicity_start", "公示开始不能早于投票截止。"),
            ("publicity_start", "publicity_end", "公示截止须晚于公示开始。"),
        ]
        errors = {}
        for earlier, later, message in order:
            first, second = getattr(self, earlier), getattr(self, later)
            strict = earlier.endswith("_start") and later.endswith("_end")
            if first and second and (second <= first if strict else second < first):
                errors.setdefault(later, message)
        if self.pk and self.ballots.exists():
            saved = type(self).objects.filter(pk=self.pk).values("frequency").first()
            if saved and saved["frequency"] != self.frequency:
                errors["frequency"] = "已有选票，不能再修改投票次数规则。"
        if errors:
            raise ValidationError(errors)

    def phase(self, now=None):
        now = now or timezone.now()
        if self.is_finalized:
            return self.Phase.FINISHED
        steps = [
            (self.nomination_start, self.Phase.UPCOMING),
            (self.nomination_end, self.Phase.NOMINATION),
            (self.voting_start, self.Phase.PREPARING),
            (self.voting_end, self.Phase.VOTING),
            (self.publicity_start, self.Phase.REVIEW),
            (self.publicity_end, self.Phase.PUBLICITY),
        ]
        for boundary, phase in steps:
            if now < boundary:
                return phase
        return self.Phase.AWAITING

    def phase_label(self, now=None):
        return self.Phase(self.phase(now)).label

    @property
    def current_phase_label(self):
        return self.phase_label()

    @property
    def is_finalized(self):
        try:
            return self.finalization is not None
        except models.ObjectDoesNotExist:
            return False

    def preload_for_sharing(self):
        super().preload_for_sharing()
        # The finalization, or its absence, and the live entries travel with the shared page: every view and every
        # ballot asks for them (finalizing or publishing an entry empties the page cache, which renews the route).
        self.is_finalized  # noqa: B018
        self._shared_entry_ids = self.live_entry_ids()

    def live_entry_ids(self):
        """The ids of the entries a ballot may choose: the live ones."""
        if hasattr(self, "_shared_entry_ids"):
            return self._shared_entry_ids
        return frozenset(EntryPage.objects.live().child_of(self).values_list("pk", flat=True))

    def voting_open(self, now=None):
        now = now or timezone.now()
        return self.voting_start <= now < self.voting_end and not self.is_finalized

    def publicity_open(self, now=None):
        now = now or timezone.now()
        return self.publicity_start <= now < self.publicity_end and not self.is_finalized

    def results_public(self, now=None):
        return self.phase(now) in (self.Phase.PUBLICITY, self.Phase.AWAITING, self.Phase.FINISHED)

    def counts_visible(self, now=None):
        return self.results_public(now) or (self.phase(now) == self.Phase.VOTING and self.show_counts_during_voting)

    def scoring_open(self, now=None):
        """Experts score after nominations close and until the publicity period starts."""
        now = now or timezone.now()
        return self.nomination_end <= now < self.publicity_start and not self.is_finalized

    def voting_day(self, now=None):
        """The period a ballot belongs to: the Beijing date for daily voting, None for once-only voting."""
        if self.frequency == self.Frequency.DAILY:
            return timezone.localdate(now or timezone.now())
        return None

    def user_may_vote(self, user):
        from members.scope import is_active_member

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.electorate == self.Electorate.MEMBERS:
            return is_active_member(user)
        return True

    # --- listings ------------------------------------------------------------------------------------------

    def entries(self):
        image_model = get_image_model()
        return (
            EntryPage.objects.live()
            .child_of(self)
            .select_related("nominating_organization")
            .prefetch_related(Prefetch("image", queryset=image_model.objects.prefetch_renditions("fill-320x200")))
            .order_by("path")
        )

    # --- views ---------------------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        from awards.views import competition_context

        context = super().get_context(request, *args, **kwargs)
        context.update(competition_context(self, request))
        return context

    @path("")
    def competition(self, request, *args, **kwargs):
        from awards.views import competition_view

        return competition_view(self, request)

    @path("receipt/<str:code>/", name="receipt")
    def receipt(self, request, code):
        from awards.views import receipt_view

        return receipt_view(self, request, code)

    @path("objection/", name="objection")
    def objection(self, request):
        from awards.views import objection_view

        return objection_view(self, request)


class EntryPage(BasePage):
    """An entry (参评作品) of a competition, nominated by an organization."""

    nominating_organization = models.ForeignKey(
        "members.Organization", verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+"
    )
    body = RichTextField("作品介绍", blank=True, features=["h3", "bold", "italic", "link", "ol", "ul", "image"])
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name="图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video = models.ForeignKey(
        get_document_model_string(),
        verbose_name="视频文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="上传 MP4 视频（在本站播放，不引用外部网站）。",
    )
    related_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="相关页面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="作品所指的页面，例如十佳微型党课评选中的微型党课页面。",
    )

    parent_page_types = ["awards.CompetitionPage"]
    subpage_types = []
    template = "awards/entry_page.html"

    content_panels = BasePage.content_panels + [
        FieldPanel("nominating_organization"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("image"), FieldPanel("video")]),
        PageChooserPanel("related_page"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = "参评作品"
        verbose_name_plural = "参评作品"

    def search_body(self):
        return get_text_for_indexing(self.body)

    @property
    def competition(self):
        return CompetitionPage.objects.select_related("finalization").get(pk=self.get_parent().pk)

    def serve(self, request, *args, **kwargs):
        from awards.views import live_counts_cache_control

        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if "competition" in context:
            live_counts_cache_control(context["competition"], response)
        return response

    def get_context(self, request, *args, **kwargs):
        from awards.services import competition_results

        context = super().get_context(request, *args, **kwargs)
        competition = self.competition
        context["competition"] = competition
        context["result"] = None
        if competition.counts_visible():
            context["result"] = next(
                (row for row in competition_results(competition).rows if row.entry.pk == self.pk), None
            )
        return context
