import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable
from wagtail.search import index

from dangjian.records import BulkRecord
from home.models import BasePage
from members.models import Organization
from members.widgets import OrganizationCheckboxSelectMultiple

from .admin_forms import NoticeAdminForm
from .blocks import NoticeBodyBlock
from .choices import Scope, Timing, Validity
from .panels import PersonalDataPanel


class NoticeCategory(models.Model):
    """主题分类 such as 组织建设 or 党费收缴."""

    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = "公开分类"
        verbose_name_plural = "公开分类"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class DisclosureIndexPage(RoutablePageMixin, BasePage):
    """A disclosure column (党务公开): lists the notices a visitor may see, with filters, archive, feed and export."""

    introduction = models.TextField("栏目说明", blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["disclosures.DisclosureNoticePage"]
    template = "disclosures/index_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = "党务公开栏目"

    # Each route hands over to a view in views.py, which keeps this file about data.
    @path("")
    def notice_list(self, request):
        from .views import notice_list

        return notice_list(request, self)

    @path("archive/")
    def archive(self, request):
        from .views import archive

        return archive(request, self)

    @path("archive/<int:year>/")
    def year_archive(self, request, year):
        from .views import notice_list

        return notice_list(request, self, year=year)

    @path("feed/")
    def feed(self, request):
        from .feeds import PublicNoticeFeed

        return PublicNoticeFeed(self)(request)

    @path("export/<int:year>/")
    def export(self, request, year):
        from .views import export_year

        return export_year(request, self, year)


TITLE_FREE_SLUG = re.compile(r"notice-[0-9a-f]{8}")


class DisclosureNoticePage(BasePage):
    """One notice (公开事项) with the header of a government disclosure portal."""

    index_number = models.CharField(
        "索引号", max_length=64, unique=True, null=True, blank=True, editable=False, help_text="首次发布时自动生成。"
    )
    issuing_organization = models.ForeignKey(
        Organization, verbose_name="发布机构", on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField("发文字号", max_length=60, blank=True, help_text="例如：新机党〔2026〕12号")
    category = models.ForeignKey(NoticeCategory, verbose_name="主题分类", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField("公开范围", max_length=20, choices=Scope.choices, default=Scope.PUBLIC)
    scope_organizations = ParentalManyToManyField(
        Organization,
        verbose_name="公开的党组织",
        blank=True,
        related_name="+",
        help_text="“党内公开（指定党组织）”时选择；所选组织的下级组织党员均可查看。",
    )
    timing = models.CharField(
        "公开时限",
        max_length=20,
        choices=Timing.choices,
        default=Timing.IMMEDIATE,
        help_text="即时公开：审批通过即发布。定期公开：在右侧“状态”面板点“设置计划”填写发布时间，审批通过后到时自动发布。",
    )
    written_on = models.DateField("成文日期", default=datetime.date.today)
    published_on = models.DateField("发布日期", null=True, blank=True, editable=False)
    validity = models.CharField("有效性", max_length=20, choices=Validity.choices, default=Validity.VALID)
    validity_changed_on = models.DateField("修订/废止日期", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替代文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="修订或废止后，指向取代本文件的公开事项。",
    )
    body = StreamField(NoticeBodyBlock(), verbose_name="正文", blank=True)

    parent_page_types = ["disclosures.DisclosureIndexPage"]
    subpage_types = []
    base_form_class = NoticeAdminForm
    # A copy (the natural start of a recurring notice) is a new draft: it gets its own number when it is published.
    exclude_fields_in_copy = ["index_number", "published_on"]
    template = "disclosures/notice_page.html"

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuing_organization"), FieldPanel("document_number")]),
                FieldRowPanel([FieldPanel("category"), FieldPanel("timing")]),
                FieldPanel("written_on"),
            ],
            heading="公开要素",
        ),
        MultiFieldPanel(
            [FieldPanel("scope"), FieldPanel("scope_organizations", widget=OrganizationCheckboxSelectMultiple)],
            heading="公开范围",
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label="附件", heading="附件"),
        PersonalDataPanel(heading="个人信息检查"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_changed_on")]), FieldPanel("replaced_by")],
            heading="有效性",
        ),
    ]

    search_fields = BasePage.search_fields + [
        # The admin's page search and choosers find a notice by a fragment of its 索引号 or 发文字号.
        index.AutocompleteField("index_number"),
        index.AutocompleteField("document_number"),
        index.SearchField("document_number"),
        index.SearchField("body"),
        index.FilterField("scope"),
        index.FilterField("validity"),
    ]

    class Meta:
        verbose_name = "公开事项"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(validity="valid") | models.Q(replaced_by__isnull=True),
                name="valid_notice_not_replaced",
            )
        ]

    def search_body(self):
        """The 发文字号 and the text of the body's blocks, for site search."""
        parts = [self.document_number, *self.body.stream_block.get_searchable_content(self.body)]
        return "\n".join(part for part in parts if part)

    def clean(self):
        super().clean()
        errors = {}
        if self.validity == Validity.VALID and self.replaced_by_id:
            errors["replaced_by"] = "有效的文件不能设置替代文件；请先把有效性改为“已修订”或“已废止”。"
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors["replaced_by"] = "替代文件不能是本文件。"
        if self.validity != Validity.VALID and not self.validity_changed_on:
            errors["validity_changed_on"] = "请填写修订或废止的日期。"
        if errors:
            raise ValidationError(errors)

    def full_clean(self, *args, **kwargs):
        self.keep_title_out_of_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):  # the admin's draft save
        self.keep_title_out_of_slug()
        super().minimal_clean()

    def keep_title_out_of_slug(self):
        """An internal notice's title must not travel in its URL (logs, Referer headers, a forwarded link): its
        slug becomes `notice-` and a random number where it came from the title (the admin fills it from the
        title) or is empty. A slug the editor typed himself, in ASCII and unlike the title, is kept."""
        if self.scope == Scope.PUBLIC:
            return
        slug = self.slug or ""
        if slug and slug.isascii() and slug != slugify(self.title or "") and not slug.startswith("notice-"):
            return
        if not TITLE_FREE_SLUG.fullmatch(slug):
            # 32 random bits: a clash among one index's notices is unlikely, and Wagtail's own check refuses it.
            self.slug = f"notice-{secrets.token_hex(4)}"

    def with_content_json(self, content):
        # The index number and publication date are given at first publication, never taken from a draft.
        page = super().with_content_json(content)
        page.index_number = self.index_number
        page.published_on = self.published_on
        return page

    def save(self, *args, **kwargs):
        if self.live and not self.index_number:
            from .numbering import assign_index_number

            with transaction.atomic():
                assign_index_number(self)
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)

    @property
    def is_public(self):
        return self.scope == Scope.PUBLIC

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_public else []

    def preload_for_sharing(self):
        super().preload_for_sharing()
        # The header and the attachment list, kept with the page that home.routing shares.
        self.category, self.issuing_organization  # noqa: B018  (loads the foreign keys)
        prefetch_related_objects([self], *NOTICE_PAGE_PREFETCHES)

    def serve(self, request, *args, **kwargs):
        from .views import serve_notice

        return serve_notice(self, request, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .views import notice_context

        context = super().get_context(request, *args, **kwargs)
        context.update(notice_context(self, request))
        return context

    def scope_label(self):
        if self.scope != Scope.ORGANIZATIONS:
            return self.get_scope_display()
        names = "、".join(org.name for org in self.scope_organizations.all())
        return f"党内公开（{names}）"


class NoticeAttachment(Orderable):
    page = ParentalKey(DisclosureNoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(), verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("附件名称", max_length=200, blank=True, help_text="留空则使用文件标题。")

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"

    @property
    def display_title(self):
        return self.title or self.document.title


# What the notice page shows from other tables besides its header (prefetch_related_objects skips what is loaded).
NOTICE_PAGE_PREFETCHES = (
    Prefetch("attachments", queryset=NoticeAttachment.objects.select_related("document")),
    "scope_organizations",
)


class IndexNumberCounter(BulkRecord):
    """The last serial given to an organization's notices in a year; locked while a number is taken."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="one_counter_per_org_year")]

    def __str__(self):
        return f"{self.organization.code}-{self.year}: {self.last_serial}"


class NoticeRead(BulkRecord):
    """A member's first reading of an internal notice (read receipt)."""

    notice = models.ForeignKey(DisclosureNoticePage, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("阅读时间", default=timezone.now)

    class Meta:
        verbose_name = "阅读记录"
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="one_read_per_member")]

    def __str__(self):
        return f"{self.user} 阅读 {self.notice_id}"


class NoticeFeedback(models.Model):
    """意见反馈: a member's opinion on a notice, answered by an editor."""

    notice = models.ForeignKey(
        DisclosureNoticePage, verbose_name="公开事项", on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField("意见内容", max_length=2000)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    reply = models.TextField("答复", blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    panels = [FieldPanel("notice", read_only=True), FieldPanel("text", read_only=True), FieldPanel("reply")]

    class Meta:
        verbose_name = "意见反馈"
        verbose_name_plural = "意见反馈"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.notice.title} 的意见反馈"

    @property
    def answered(self):
        return bool(self.reply)


class NoticeApprovalTask(AbstractGroupApprovalTask):
    """审核 and 审批: a group approval that withholds "approve" while a public notice still shows personal data."""

    class Meta:
        verbose_name = "党务公开审核/审批任务"
        verbose_name_plural = "党务公开审核/审批任务"

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        page = getattr(obj, "specific", obj)
        if isinstance(page, DisclosureNoticePage):
            from .admin_forms import findings_for_revision

            scope, findings, _ = findings_for_revision(page)
            if scope == Scope.PUBLIC and findings:
                return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        # get_actions() judged the page named in the request's URL, which a crafted URL may pair with another page's
        # task state. Judge the revisions of this task state's own page: the one under review, and the latest (what
        # the last approval publishes).
        if action_name == "approve":
            page = task_state.workflow_state.content_object
            revisions = {revision for revision in (task_state.revision, page.get_latest_revision()) if revision}
            for revision in revisions:
                if _public_notice_with_personal_data(revision.as_object()):
                    raise PermissionDenied("向社会公开的事项含有未遮盖的个人信息，不能批准。")
        return super().on_action(task_state, user, action_name, **kwargs)


def _public_notice_with_personal_data(page):
    if not isinstance(page, DisclosureNoticePage) or page.scope != Scope.PUBLIC:
        return False
    from .personal_data import scan_notice_page

    findings, _ = scan_notice_page(page)
    return bool(findings)
