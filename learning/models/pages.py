"""The 网上党校 page tree: CourseIndexPage → CoursePage → LessonPage, and MicroLessonIndexPage → MicroLessonPage.

Course and micro-lesson listings, course descriptions and lesson titles are public (the public may see what
members study); what a lesson teaches (its text, video and audio) is for active members only. `serve` decides,
through `learning.access.can_study`, and the media file goes through a checked view, never straight from storage.
"""

import math
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index
from wagtailmedia.edit_handlers import MediaChooserPanel

from home.admin_forms import BasePageForm
from home.models import BasePage

from .. import conf
from ..admin_forms import StudyMaterialForm
from ..choosers import LecturerChooserWidget
from ..credits import RULE_TEXT, lesson_credit

MICRO_LESSON_MAX_MINUTES = 15


def current_year():
    return timezone.localdate().year


def has_content(rich_text):
    """Whether rich text holds anything to study: text, or an embedded image or video. The editor posts empty
    paragraphs (<p data-block-key="..."></p>) for a body of blank lines, which is not a lesson."""
    rich_text = rich_text or ""
    return bool(strip_tags(rich_text).replace("&nbsp;", "").strip()) or "<embed" in rich_text


def bank_problem(bank_size, draw):
    """Why a test cannot be published, or "" if it can: a bank no larger than the draw gives every attempt the
    same questions, and a member who fails learns the key by elimination rather than by studying."""
    if bank_size and draw and bank_size <= draw:
        return (
            f"题库只有 {bank_size} 题，每次抽取 {draw} 题：题库的题目须多于每次抽题数，每次测试才能抽到不同的题目。"
            "请增加题目或减少每次抽题数量后再发布；草稿可以先保存。"
        )
    return ""


class TestPageForm(BasePageForm):
    """The editor of a page with a test: publishing is refused while the bank is not larger than the draw.

    Saving a draft is allowed (the editor builds the bank over several sittings); only the publish action is
    checked. The check counts the questions as posted, so it runs after ClusterForm has validated the question
    formset, in is_valid()."""

    def is_valid(self):
        valid = super().is_valid()
        if not valid or not self.data.get("action-publish"):
            return valid
        formset = self.formsets.get("questions")
        bank_size = sum(
            1 for form in formset.forms if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        )
        problem = bank_problem(bank_size, self.cleaned_data.get("questions_per_attempt"))
        if problem:
            self.add_error("questions_per_attempt", problem)
            return False
        return True


class LessonPageForm(StudyMaterialForm, TestPageForm):
    """A lesson's editor: publishing checks both its media's fit (StudyMaterialForm) and its bank (TestPageForm)."""


class BankPanel(HelpPanel):
    """The bank's size against the draw, computed from the page being edited, with a warning when it is too
    small to publish."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "learning/admin/bank_panel.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            bank_size = len(self.instance.questions.all()) if self.instance else 0
            draw = self.instance.questions_per_attempt if self.instance else 0
            context.update(bank_size=bank_size, draw=draw, problem=bank_problem(bank_size, draw))
            return context


class TestSettingsMixin(models.Model):
    """A test after training: how many questions an attempt draws and the pass mark."""

    pass_mark = models.PositiveSmallIntegerField(
        "及格分数（百分制）",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="答对题目的百分比达到此分数即为通过，默认 60 分。",
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        "每次抽题数量",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="每次测试从题库中随机抽取的题目数，题目和选项的顺序每次打乱；题库须多于抽题数才能发布。",
    )

    test_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("questions_per_attempt")]), BankPanel()],
            heading="测试设置",
        )
    ]

    class Meta:
        abstract = True

    @property
    def has_test(self):
        return self.questions.exists()


class StudyMaterialMixin(models.Model):
    """What a lesson or micro lesson is made of: a video or audio with its transcript (and, for a video, captions),
    text, a duration and a credit. Publishing one with media checks that the media is as long as the study time it
    requires (the clock runs only while it plays) and that it has a transcript and captions (`StudyMaterialForm`)."""

    media = models.ForeignKey(
        "wagtailmedia.Media",
        verbose_name="视频或音频",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    captions = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name="字幕（WebVTT）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="视频课程必须选择：WebVTT 格式（.vtt，第一行为“WEBVTT”）的中文字幕文件。音频不需要字幕。",
    )
    transcript = RichTextField(
        "文字稿",
        blank=True,
        help_text="有视频或音频的课程必须填写：讲授内容的文字稿，显示在播放器下方，供不便收听的党员阅读。",
    )
    body = RichTextField("文字内容", blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        "学习时长（分钟）",
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text="视频、音频的播放时长，或阅读文字所需的时间。有视频或音频的课程，其播放时长不得短于完成本课所需的学习时间。",
    )
    credit_override = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.25), MaxValueValidator(10)],
        help_text="留空则按规则认定：" + RULE_TEXT,
    )

    study_panels = [
        MediaChooserPanel("media"),
        FieldPanel("captions"),
        FieldPanel("transcript"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("credit_override")]),
    ]

    class Meta:
        abstract = True

    @property
    def credit(self):
        return lesson_credit(self.duration_minutes, self.credit_override)

    base_form_class = StudyMaterialForm

    @property
    def required_seconds(self):
        """Verified study time that completes the lesson: a share (80 %) of its duration."""
        return self.required_seconds_for(self.duration_minutes)

    @staticmethod
    def required_seconds_for(duration_minutes):
        seconds = duration_minutes * conf.seconds_per_minute() * conf.completion_ratio()
        return max(1, math.ceil(seconds))

    def publish_problems(self):
        """Why this lesson's media may not go live ({field: message}); empty when it fits. See learning.media."""
        from ..media import publish_problems

        return publish_problems(
            media=self.media,
            transcript=self.transcript,
            captions=self.captions,
            duration_minutes=self.duration_minutes,
            required_seconds=self.required_seconds,
        )

    def clean(self):
        super().clean()
        if not self.media_id and not has_content(self.body):
            raise ValidationError("请选择视频或音频，或填写文字内容。")
        if self.captions_id:
            from ..media import validate_webvtt

            try:
                validate_webvtt(self.captions)
            except ValidationError as error:
                raise ValidationError({"captions": error.messages}) from error

    def serve(self, request, *args, **kwargs):
        """Members study; everyone else gets a page with the title and summary only, rendered by a template
        that never touches the lesson's text or media."""
        from ..access import can_study

        if not can_study(request):
            context = {"page": self, "self": self, "request": request}
            return TemplateResponse(request, "learning/study_locked.html", context)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..services import study_status

        context = super().get_context(request, *args, **kwargs)
        context["study"] = study_status(request, self)
        return context


class CourseIndexPage(BasePage):
    """网上党校: the list of courses, newest year first."""

    introduction = RichTextField("导语", blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["learning.CoursePage"]
    max_count = 1
    template = "learning/course_index_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = "网上党校"

    def search_body(self):
        return get_text_for_indexing(self.introduction)

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        courses = CoursePage.objects.live().child_of(self).order_by("-year", "kind", "-first_published_at")
        years = sorted(set(courses.values_list("year", flat=True)), reverse=True)
        year = request.GET.get("year", "")
        if year.isdigit() and int(year) in years:
            courses = courses.filter(year=int(year))
            context["year"] = int(year)
        context["years"] = years
        context["rule_text"] = RULE_TEXT
        context["courses"] = Paginator(courses, 20).get_page(request.GET.get("page"))
        return context


class CoursePage(TestSettingsMixin, BasePage):  # noqa: DJ008 - Page.__str__ is the title
    """A course (专题) of lessons, for one year, required or elective, with an optional test after training."""

    class Kind(models.TextChoices):
        REQUIRED = "required", "必修"
        ELECTIVE = "elective", "选修"

    class Audience(models.TextChoices):
        ALL = "all", "全体党员"
        SECRETARIES = "secretaries", "支部书记和支委委员"

    kind = models.CharField("课程类别", max_length=10, choices=Kind.choices, default=Kind.REQUIRED)
    year = models.PositiveSmallIntegerField(
        "学习年度", default=current_year, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    audience = models.CharField("学习对象", max_length=20, choices=Audience.choices, default=Audience.ALL)
    description = RichTextField("课程介绍", blank=True)

    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = ["learning.LessonPage"]
    template = "learning/course_page.html"
    base_form_class = TestPageForm

    content_panels = (
        BasePage.content_panels
        + [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("year"), FieldPanel("audience")]),
            FieldPanel("description"),
        ]
        + TestSettingsMixin.test_panels
        + [InlinePanel("questions", heading="课程测试题库", label="题目")]
    )
    search_fields = BasePage.search_fields + [
        index.SearchField("description"),
        index.FilterField("year"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = "课程"

    def search_body(self):
        return get_text_for_indexing(self.description)

    def lessons(self):
        return LessonPage.objects.live().child_of(self).order_by("path").defer_streamfields()

    def preload_for_sharing(self):
        super().preload_for_sharing()
        # The list of lessons the page shows, kept with the page that home.routing shares (publishing a lesson
        # bumps the generation, so the list is never older than the tree).
        self._shared_lessons = list(self.lessons())

    def applies_to(self, member):
        return self.audience == self.Audience.ALL or member.needs_secretary_hours

    def get_context(self, request, *args, **kwargs):
        from ..access import study_member
        from ..services import course_status

        context = super().get_context(request, *args, **kwargs)
        member = study_member(request)
        lessons = self._shared_lessons if hasattr(self, "_shared_lessons") else list(self.lessons())
        context["lessons"] = lessons
        context["member"] = member
        if member is not None:
            context["status"] = course_status(member, self, lessons)
        return context


class LessonPage(StudyMaterialMixin, TestSettingsMixin, BasePage):  # noqa: DJ008 - Page.__str__ is the title
    """A lesson of a course: video or audio and/or text, studied online; optionally a test after it."""

    parent_page_types = ["learning.CoursePage"]
    subpage_types = []
    template = "learning/lesson_page.html"
    base_form_class = LessonPageForm

    content_panels = (
        BasePage.content_panels
        + StudyMaterialMixin.study_panels
        + TestSettingsMixin.test_panels
        + [InlinePanel("questions", heading="课后测试题库", label="题目")]
    )
    # Only the title and summary are indexed: the lesson's text is for members and must not surface in search.
    search_fields = BasePage.search_fields

    class Meta:
        verbose_name = "课程章节"
        verbose_name_plural = "课程章节"

    credit_source = "lesson"

    def course(self):
        return self.get_parent().specific

    def preload_for_sharing(self):
        super().preload_for_sharing()
        # The course and its lessons for the 上一讲 / 下一讲 links, kept with the page that home.routing shares
        # (publishing, moving or restricting a lesson bumps the generation, so they are never older than the tree).
        self._shared_course_lessons = self._course_lessons()

    def _course_lessons(self):
        """(course, [(lesson, its own view restrictions)]) in page order: a fixed number of queries (the course,
        its live lessons, their restrictions with their groups), whatever the number of lessons."""
        from wagtail.models import PageViewRestriction

        course = self.get_parent().specific
        lessons = list(LessonPage.objects.live().child_of(course).order_by("path").only("pk", "title", "url_path"))
        restrictions = defaultdict(list)
        for restriction in PageViewRestriction.objects.filter(
            page__in=[lesson.pk for lesson in lessons]
        ).prefetch_related("groups"):
            restrictions[restriction.page_id].append(restriction)
        return course, [(lesson, restrictions[lesson.pk]) for lesson in lessons]

    def lesson_nav(self, request):
        """上一讲 / 下一讲 / 返回课程: the neighbours among the course's live lessons this visitor may see (a lesson
        behind a restriction he does not pass is skipped, as if it were not there). The course's own restrictions
        he has passed already, to see this lesson."""
        shared = getattr(self, "_shared_course_lessons", None)
        course, lessons = shared if shared is not None else self._course_lessons()
        visible = [
            lesson
            for lesson, restrictions in lessons
            if lesson.pk == self.pk or all(restriction.accept_request(request) for restriction in restrictions)
        ]
        position = next((number for number, lesson in enumerate(visible) if lesson.pk == self.pk), None)
        if position is None:  # a preview of a lesson not yet live: only the way back to the course
            return {"course": course, "previous": None, "next": None, "number": None, "count": len(visible)}
        return {
            "course": course,
            "previous": visible[position - 1] if position > 0 else None,
            "next": visible[position + 1] if position + 1 < len(visible) else None,
            "number": position + 1,
            "count": len(visible),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lesson_nav"] = self.lesson_nav(request)
        return context


class MicroLessonIndexPage(BasePage):
    """微型党课: short lessons given by members themselves, the ones the 十佳微型党课 competition picks from.

    Its own index under the home page, not inside 网上党校: micro lessons belong to no course or year, their
    lecturers are members rather than the 工委, and the awards section links to them as a collection.
    """

    introduction = RichTextField("导语", blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["learning.MicroLessonPage"]
    max_count = 1
    template = "learning/micro_lesson_index_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = "微型党课栏目"

    def search_body(self):
        return get_text_for_indexing(self.introduction)

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        lessons = (
            MicroLessonPage.objects.live()
            .child_of(self)
            .select_related("lecturer", "lecturer_organization")
            .order_by("-delivered_on", "-first_published_at")
        )
        context["lessons"] = Paginator(lessons, 20).get_page(request.GET.get("page"))
        return context


class MicroLessonPage(StudyMaterialMixin, BasePage):  # noqa: DJ008 - Page.__str__ is the title
    """A micro Party lesson (微型党课): at most 15 minutes, given by a named member for his branch."""

    lecturer = models.ForeignKey(
        "members.Member", verbose_name="主讲人", on_delete=models.PROTECT, related_name="micro_lessons"
    )
    lecturer_organization = models.ForeignKey(
        "members.Organization",
        verbose_name="主讲人所在党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空则取主讲人当前所在的党组织。",
    )
    delivered_on = models.DateField("讲授日期", null=True, blank=True)

    parent_page_types = ["learning.MicroLessonIndexPage"]
    subpage_types = []
    template = "learning/micro_lesson_page.html"

    content_panels = (
        BasePage.content_panels
        + [
            FieldRowPanel([FieldPanel("lecturer", widget=LecturerChooserWidget), FieldPanel("lecturer_organization")]),
            FieldPanel("delivered_on"),
        ]
        + StudyMaterialMixin.study_panels
    )
    search_fields = BasePage.search_fields

    class Meta:
        verbose_name = "微型党课"
        verbose_name_plural = "微型党课"

    credit_source = "micro_lesson"

    def save(self, *args, **kwargs):
        if self.lecturer_id and not self.lecturer_organization_id:
            self.lecturer_organization_id = self.lecturer.organization_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.duration_minutes and self.duration_minutes > MICRO_LESSON_MAX_MINUTES:
            raise ValidationError({"duration_minutes": f"微型党课时长不超过 {MICRO_LESSON_MAX_MINUTES} 分钟。"})


class BaseQuestion(Orderable):
    """A question of a test: single choice, multiple choice or true/false. The answer never reaches a browser
    before the attempt is submitted."""

    class Kind(models.TextChoices):
        SINGLE = "single", "单选题"
        MULTIPLE = "multiple", "多选题"
        TRUE_FALSE = "true_false", "判断题"

    LETTERS = "ABCDEFGH"
    TRUE_FALSE_OPTIONS = ["正确", "错误"]

    kind = models.CharField("题型", max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField("题目")
    options = models.TextField("选项", blank=True, help_text="每行一个选项，最多 8 个；判断题不用填写。")
    answer = models.CharField(
        "正确答案",
        max_length=8,
        help_text="填写选项字母，例如 B；多选题如 ACD；判断题填“对”或“错”。",
    )
    explanation = models.TextField("解析", blank=True, help_text="通过测试后向党员显示。")
    topic = models.CharField(
        "知识点",
        max_length=40,
        blank=True,
        help_text="例如“党员的权利和义务”。未通过测试时只提示需要复习的知识点，不显示哪一题答错。",
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("options"),
        FieldRowPanel([FieldPanel("answer"), FieldPanel("topic")]),
        FieldPanel("explanation"),
    ]

    class Meta:
        abstract = True
        ordering = ["sort_order"]

    def __str__(self):
        return self.text[:40]

    def option_list(self):
        if self.kind == self.Kind.TRUE_FALSE:
            return list(self.TRUE_FALSE_OPTIONS)
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def choices(self):
        """[(letter, text), ...]: the options in the bank's order, each with its own letter (its identity)."""
        return list(zip(self.LETTERS, self.option_list(), strict=False))

    def shuffled(self, order):
        """[(shown letter, own letter, text), ...]: the options in an attempt's order (indices into the bank's
        options). The member picks a shown letter; scoring uses the own letter, whatever the order."""
        options = self.option_list()
        return [(self.LETTERS[shown], self.LETTERS[own], options[own]) for shown, own in enumerate(order)]

    def correct_letters(self):
        answer = self.answer.strip().upper()
        if self.kind == self.Kind.TRUE_FALSE:
            return {"A"} if answer in {"对", "正确", "A", "T", "√"} else {"B"}
        return {letter for letter in answer if letter in self.LETTERS}

    def is_correct(self, letters):
        return set(letters) == self.correct_letters()

    def clean(self):
        super().clean()
        answer = (self.answer or "").strip().upper()
        if self.kind == self.Kind.TRUE_FALSE:
            if answer not in {"对", "错", "正确", "错误", "A", "B", "T", "F", "√", "×"}:
                raise ValidationError({"answer": "判断题的正确答案请填“对”或“错”。"})
            return
        options = self.option_list()
        if len(options) < 2 or len(options) > len(self.LETTERS):
            raise ValidationError({"options": "选择题请填写 2 至 8 个选项，每行一个。"})
        valid = set(self.LETTERS[: len(options)])
        letters = [ch for ch in answer if not ch.isspace() and ch not in ",，、"]
        if not letters or any(letter not in valid for letter in letters):
            raise ValidationError({"answer": f"正确答案请填写选项字母（{'、'.join(sorted(valid))}）。"})
        if self.kind == self.Kind.SINGLE and len(set(letters)) != 1:
            raise ValidationError({"answer": "单选题只能有一个正确答案。"})
        if self.kind == self.Kind.MULTIPLE and len(set(letters)) < 2:
            raise ValidationError({"answer": "多选题至少有两个正确答案。"})
        self.answer = "".join(sorted(set(letters)))


class LessonQuestion(BaseQuestion):
    page = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="questions")

    class Meta(BaseQuestion.Meta):
        verbose_name = "课后测试题"
        verbose_name_plural = "课后测试题"


class CourseQuestion(BaseQuestion):
    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="questions")

    class Meta(BaseQuestion.Meta):
        verbose_name = "课程测试题"
        verbose_name_plural = "课程测试题"
