from django.core.validators import RegexValidator
from django.db import models


class CATEGORIES(models.TextChoices):
    SERVICE = "service", "为民服务"
    CIVILITY = "civility", "文明创建"
    ENVIRONMENT = "environment", "环境保护"
    CARE = "care", "关爱帮扶"
    ELDERLY = "elderly", "助老助残"
    PUBLICITY = "publicity", "政策宣讲"
    EMERGENCY = "emergency", "应急救援"
    OTHER = "other", "其他"


class AVAILABLE_TIMES(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", "工作日白天"
    WEEKDAY_EVENING = "weekday_evening", "工作日晚上"
    WEEKEND_MORNING = "weekend_morning", "周末上午"
    WEEKEND_AFTERNOON = "weekend_afternoon", "周末下午"
    HOLIDAY = "holiday", "节假日"


phone_validator = RegexValidator(
    r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", "请输入 11 位手机号码，或带区号的固定电话（如 0575-86012345）。"
)
