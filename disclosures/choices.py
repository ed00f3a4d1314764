from django.db import models


class Scope(models.TextChoices):
    PUBLIC = "public", "向社会公开"
    ALL_MEMBERS = "all_members", "党内公开（全体党员）"
    ORGANIZATIONS = "organizations", "党内公开（指定党组织）"


class Timing(models.TextChoices):
    REGULAR = "regular", "定期公开"
    IMMEDIATE = "immediate", "即时公开"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    REVISED = "revised", "已修订"
    REPEALED = "repealed", "已废止"
