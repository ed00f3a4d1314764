from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from wagtail.search import index


class Organization(index.Indexed, models.Model):
    """A Party organization. The tree runs 工委 → 片组 → 单位 → 党委 / 总支 / 支部.

    `path` is a materialized path (each ancestor's id, zero-padded, then its own), so that an organization's
    ancestors and descendants are found by prefix in one query.
    """

    class Kind(models.TextChoices):
        WORKING_COMMITTEE = "committee", "工委"
        GROUP = "group", "片组"
        UNIT = "unit", "单位"
        PARTY_COMMITTEE = "party_committee", "党委"
        GENERAL_BRANCH = "general_branch", "总支"
        BRANCH = "branch", "支部"

    STEP = 8  # characters of path per level

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField(
        "组织代码", max_length=32, unique=True, help_text="用于生成党务公开索引号等编号，例如 DW012。"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    sort_order = models.PositiveIntegerField("排序", default=0)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("path"),
    ]

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
            old_path = self.path
            self.path = self._own_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moved: rewrite every descendant's path prefix in one statement.
                Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
                )

    @property
    def depth(self):
        return len(self.path) // self.STEP

    def _own_path(self):
        segment = f"{self.pk:0{self.STEP}d}"
        return (self.parent.path if self.parent_id else "") + segment

    def clean(self):
        if self.parent_id and self.pk and (self.parent_id == self.pk or self.parent.path.startswith(self.path)):
            raise ValidationError({"parent": "上级组织不能是本组织或其下级组织。"})

    def descendants(self, include_self=True):
        queryset = Organization.objects.filter(path__startswith=self.path)
        return queryset if include_self else queryset.exclude(pk=self.pk)

    def ancestor_paths(self):
        """The paths of this organization's ancestors, the root first and its own last, read without a query."""
        return [self.path[:end] for end in range(self.STEP, len(self.path) + 1, self.STEP)]

    def ancestors_by_kind(self, by_path):
        """{kind: the deepest of its ancestors (itself included) of that kind} among `by_path` ({path: organization}),
        without a query: the 片组 and 单位 of a branch, say."""
        found = {}
        for path in self.ancestor_paths():
            ancestor = by_path.get(path)
            if ancestor is not None:
                found[ancestor.kind] = ancestor
        return found

    def ancestors(self, include_self=True):
        prefixes = self.ancestor_paths()
        if not include_self:
            prefixes = prefixes[:-1]
        return Organization.objects.filter(path__in=prefixes)


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)


class Member(index.Indexed, models.Model):
    """A Party member (党员信息库). No national ID number is stored."""

    class Category(models.TextChoices):
        FULL = "full", "正式党员"
        PROBATIONARY = "probationary", "预备党员"

    class Status(models.TextChoices):
        ACTIVE = "active", "在册"
        TRANSFERRED_OUT = "transferred_out", "转出"

    class Gender(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="members"
    )
    category = models.CharField("人员类别", max_length=20, choices=Category.choices, default=Category.FULL)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    party_post = models.CharField("党内职务", max_length=50, blank=True)
    is_branch_secretary = models.BooleanField("支部书记", default=False)
    is_committee_member = models.BooleanField("支委委员", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)

    objects = MemberQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("organization"),
        index.FilterField("status"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员信息库"
        ordering = ["organization__path", "name"]
        indexes = [models.Index(fields=["organization", "status"])]
        permissions = [("manage_member_accounts", "可开通党员登录账号、重置其密码")]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self):
        from .privacy import mask_phone

        return mask_phone(self.phone)

    @property
    def needs_secretary_hours(self):
        """Branch secretaries and committee members owe 56 学时 a year rather than 32."""
        return self.is_branch_secretary or self.is_committee_member


class PendingPasswordChange(models.Model):
    """An account that still has the initial password the office issued (开通 or 重置): until its owner sets his
    own, every page sends him to the password change (members.middleware). The password itself is never kept;
    the row is deleted when he changes it. It comes with the logged-in user in the same query (members.auth)."""

    class Reason(models.TextChoices):
        CREATED = "created", "开通账号"
        RESET = "reset", "重置密码"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="pending_password_change",
    )
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "待修改的初始密码"
        verbose_name_plural = "待修改的初始密码"
        default_permissions = ()

    def __str__(self):
        return f"{self.user}：{self.get_reason_display()}"


class RosterImport(models.Model):
    """One upload of the monthly roster (the national member system's Excel export).

    A pending import keeps the uploaded file, so that what is applied is exactly the file the editor previewed
    (bound by its SHA-256); once applied, the file is dropped and the list of changes (RosterChange) remains.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        APPLIED = "applied", "已导入"
        DISCARDED = "discarded", "已放弃"

    class Source(models.TextChoices):
        ADMIN = "admin", "管理后台"
        COMMAND = "command", "命令行"

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    content = models.BinaryField("文件内容", null=True, editable=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.ADMIN)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    row_count = models.PositiveIntegerField("数据行数", default=0)
    summary = models.JSONField("变动统计", default=dict, blank=True)
    preview = models.JSONField("预览", default=dict, blank=True, editable=False)
    plan_digest = models.CharField("预览摘要", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-uploaded_at", "-pk"]
        default_permissions = ()
        permissions = [("import_roster", "可导入党员名册")]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"


class RosterChange(models.Model):
    """One member's change in an applied roster import: the member's transfer and change history."""

    class Kind(models.TextChoices):
        JOINED = "joined", "新增"
        UPDATED = "updated", "信息变更"
        MOVED = "moved", "县内转接"
        LEFT = "left", "转出"
        RETURNED = "returned", "重新转入"

    roster_import = models.ForeignKey(
        RosterImport, verbose_name="名册导入", on_delete=models.CASCADE, related_name="changes"
    )
    member = models.ForeignKey(
        Member, verbose_name="党员", null=True, on_delete=models.SET_NULL, related_name="roster_changes"
    )
    member_name = models.CharField("姓名", max_length=50)
    kind = models.CharField("变动类型", max_length=20, choices=Kind.choices)
    row_number = models.PositiveIntegerField("Excel 行号", null=True, blank=True)
    from_organization = models.ForeignKey(
        Organization, verbose_name="原党组织", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_organization_name = models.CharField("原党组织名称", max_length=100, blank=True)
    to_organization = models.ForeignKey(
        Organization, verbose_name="现党组织", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_organization_name = models.CharField("现党组织名称", max_length=100, blank=True)
    # [[field label, old, new], ...]; phone numbers are kept masked.
    fields = models.JSONField("变更字段", default=list, blank=True)

    class Meta:
        verbose_name = "名册变动"
        verbose_name_plural = "名册变动"
        ordering = ["roster_import", "pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["member", "roster_import"])]

    def __str__(self):
        return f"{self.member_name}：{self.get_kind_display()}"
