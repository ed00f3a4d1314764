import datetime
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from home.models import BasePage
from members.widgets import UserCheckboxSelectMultiple

from .choices import CATEGORIES

# Sign-up states that hold one of a slot's seats (kept here so that pages and records agree without a cycle).
SEAT_HOLDING = ("confirmed", "attended", "absent")


class VolunteerProjectIndexPage(BasePage):
    """党员志愿服务: the list of projects, filtered by category and status."""

    introduction = models.TextField("导语", blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["volunteers.VolunteerProjectPage", "volunteers.ServiceRequestPage"]
    max_count = 1
    template = "volunteers/project_index_page.html"
    per_page = 10

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = "志愿服务栏目"

    def search_body(self):
        return self.introduction

    def projects(self):
        return (
            VolunteerProjectPage.objects.live()
            .child_of(self)
            .select_related("organizing_unit")
            .prefetch_related(Prefetch("slots", queryset=ServiceSlot.objects.with_counts()))
            .order_by("status_order", "-first_published_at")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        projects = self.projects()
        category = request.GET.get("category", "")
        status = request.GET.get("status", "")
        if category in CATEGORIES.values:
            projects = projects.filter(category=category)
        else:
            category = ""
        if status in VolunteerProjectPage.Status.values:
            projects = projects.filter(status=status)
        else:
            status = ""
        paginator = Paginator(projects, self.per_page)
        try:
            page_of_projects = paginator.page(request.GET.get("page", 1))
        except (EmptyPage, PageNotAnInteger):
            page_of_projects = paginator.page(1)
        context.update(
            projects=page_of_projects,
            categories=CATEGORIES.choices,
            statuses=VolunteerProjectPage.Status.choices,
            category=category,
            status=status,
            request_page=ServiceRequestPage.objects.live().child_of(self).first(),
        )
        return context


class VolunteerProjectPageForm(WagtailAdminPageForm):
    """Refuse edits that would break sign-ups: deleting a slot somebody holds, or shrinking it below its roster.

    The checks run after the slot formset is validated (ClusterForm validates child formsets after the page form's
    own clean()), so they live in is_valid().
    """

    def is_valid(self):
        valid = super().is_valid()
        formset = self.formsets.get("slots")
        if formset is None:
            return valid
        from .records import SignUp

        forms_by_pk = {form.instance.pk: form for form in formset.forms if form.instance.pk}
        held = dict(
            SignUp.objects.filter(slot_id__in=forms_by_pk, status__in=SEAT_HOLDING)
            .values_list("slot_id")
            .annotate(count=Count("id"))
            .order_by()
        )
        active = set(
            SignUp.objects.filter(slot_id__in=forms_by_pk).exclude(status="cancelled").values_list("slot_id", flat=True)
        )
        problems = []
        for pk, form in forms_by_pk.items():
            cleaned = getattr(form, "cleaned_data", None) or {}
            if cleaned.get("DELETE") and pk in active:
                problems.append("已有人报名或已有服务记录的时段不能删除；如活动不再举行，请勾选“已取消”。")
            capacity = cleaned.get("capacity")
            if capacity is not None and capacity < held.get(pk, 0):
                message = f"该时段已有 {held[pk]} 人报名，名额不能少于已报名人数。"
                form.add_error("capacity", message)
                problems.append(message)
        for message in problems:
            self.add_error(None, message)
        return valid and not problems


class VolunteerProjectPage(BasePage):
    """A volunteer service project (志愿服务项目) with its time slots."""

    class Status(models.TextChoices):
        RECRUITING = "recruiting", "招募中"
        ONGOING = "ongoing", "进行中"
        FINISHED = "finished", "已结束"

    organizing_unit = models.ForeignKey(
        "members.Organization",
        verbose_name="组织单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField("服务类别", max_length=20, choices=CATEGORIES.choices, default=CATEGORIES.SERVICE)
    place = models.CharField("服务地点", max_length=100)
    description = RichTextField("项目介绍", features=["bold", "italic", "ol", "ul", "link", "h3"])
    skills_wanted = models.CharField("所需技能", max_length=200, blank=True, help_text="例如：会使用智能手机、懂急救。")
    status = models.CharField("项目状态", max_length=20, choices=Status.choices, default=Status.RECRUITING)
    # Recruiting projects first in listings; kept in step with `status` on save.
    status_order = models.PositiveSmallIntegerField(default=0, editable=False)
    coordinators = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="项目联络人",
        blank=True,
        related_name="coordinated_volunteer_projects",
        help_text="可查看本项目报名名单和联系方式、登记出勤和服务时长。志愿服务管理员可管理全部项目。",
    )

    parent_page_types = ["volunteers.VolunteerProjectIndexPage"]
    subpage_types = []
    template = "volunteers/project_page.html"
    base_form_class = VolunteerProjectPageForm

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("organizing_unit"), FieldPanel("category")]),
                FieldRowPanel([FieldPanel("place"), FieldPanel("status")]),
                FieldPanel("skills_wanted"),
            ],
            heading="项目信息",
        ),
        FieldPanel("description"),
        InlinePanel("slots", label="服务时段", heading="服务时段"),
        FieldPanel("coordinators", widget=UserCheckboxSelectMultiple),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("description"),
        index.SearchField("place"),
        index.FilterField("category"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = "志愿服务项目"
        verbose_name_plural = "志愿服务项目"

    def search_body(self):
        return "\n".join(
            part for part in (self.place, self.skills_wanted, get_text_for_indexing(self.description)) if part
        )

    def save(self, *args, **kwargs):
        self.status_order = list(self.Status.values).index(self.status) if self.status in self.Status.values else 9
        return super().save(*args, **kwargs)

    @property
    def is_recruiting(self):
        return self.status == self.Status.RECRUITING

    def upcoming_slots(self):
        """From prefetched slots when there are any: no query per project in listings."""
        now = timezone.now()
        return [slot for slot in self.slots.all() if slot.start > now and not slot.is_cancelled]

    def get_context(self, request, *args, **kwargs):
        from ..permissions import can_coordinate
        from .records import SignUp

        context = super().get_context(request, *args, **kwargs)
        slots = list(ServiceSlot.objects.with_counts().filter(page=self))
        mine = {}
        if request.user.is_authenticated:
            by_id = {slot.pk: slot for slot in slots}
            for signup in SignUp.objects.filter(user=request.user, slot__in=slots).exclude(status="cancelled"):
                signup.slot = by_id[signup.slot_id]  # can_cancel reads the slot: no query per sign-up
                mine[signup.slot_id] = signup
            waitlisted = [signup for signup in mine.values() if signup.status == "waitlisted"]
            positions = SignUp.waitlist_positions(waitlisted)
            for signup in waitlisted:
                signup.waitlist_position = positions.get(signup.pk)
        for slot in slots:
            slot.page = self  # place_display falls back to the project's place: no query per slot
            slot.my_signup = mine.get(slot.pk)
        context.update(
            slots=slots,
            can_coordinate=can_coordinate(request.user, self),
            has_profile=request.user.is_authenticated and hasattr(request.user, "volunteer_profile"),
        )
        return context


class ServiceSlotQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            held_count=Count("signups", filter=Q(signups__status__in=SEAT_HOLDING)),
            waitlist_count=Count("signups", filter=Q(signups__status="waitlisted")),
        ).order_by("start", "sort_order")


class ServiceSlot(Orderable):
    """One time slot of a project: when, where, how many volunteers."""

    page = ParentalKey(VolunteerProjectPage, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    place = models.CharField("集合地点", max_length=100, blank=True, help_text="不填则为项目的服务地点。")
    capacity = models.PositiveSmallIntegerField(
        "名额", default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    note = models.CharField("备注", max_length=100, blank=True, help_text="例如：请穿志愿者马甲，自备饮用水。")
    is_cancelled = models.BooleanField("已取消", default=False, help_text="活动不再举行时勾选；不能再报名。")

    objects = ServiceSlotQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("capacity")]),
        FieldRowPanel([FieldPanel("note"), FieldPanel("is_cancelled")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "服务时段"
        verbose_name_plural = "服务时段"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="volunteers_slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="volunteers_slot_capacity_positive"),
        ]

    def __str__(self):
        start = timezone.localtime(self.start)
        end = timezone.localtime(self.end)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" if start.date() == end.date() else f"{start:%Y-%m-%d %H:%M}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "结束时间必须晚于开始时间。"})
        if self.start and self.end and self.end - self.start > datetime.timedelta(hours=24):
            raise ValidationError({"end": "一个时段不能超过 24 小时，请分成多个时段。"})

    @property
    def length_hours(self):
        """The scheduled length in hours, to one decimal place (rounded down): the cap of the hours credited."""
        seconds = Decimal((self.end - self.start).total_seconds())
        return (seconds / 3600).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def has_started(self):
        return self.start <= timezone.now()

    @property
    def has_ended(self):
        return self.end <= timezone.now()

    @property
    def place_display(self):
        return self.place or self.page.place

    @property
    def seats_left(self):
        """With `with_counts()`."""
        return max(self.capacity - self.held_count, 0)


class ServiceRequestPage(BasePage):
    """服务需求: the public form through which anyone asks for volunteers. Nothing submitted is shown publicly."""

    introduction = models.TextField("说明", blank=True)
    thank_you_text = models.TextField("提交成功后的提示", default="您的服务需求已提交，我们会尽快与您联系。")

    parent_page_types = ["volunteers.VolunteerProjectIndexPage"]
    subpage_types = []
    max_count = 1
    template = "volunteers/service_request_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("introduction"), FieldPanel("thank_you_text")]

    class Meta:
        verbose_name = "服务需求表单页"

    def search_body(self):
        return self.introduction

    def serve(self, request, *args, **kwargs):
        from ..views import service_request_form

        return service_request_form(request, self)
