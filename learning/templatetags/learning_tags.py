from django import template

from learning.credits import format_credit

register = template.Library()


@register.filter
def study_time(seconds):
    """12 分 5 秒: study time as a member reads it."""
    seconds = int(seconds or 0)
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} 小时 {minutes} 分"
    if minutes:
        return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"
    return f"{rest} 秒"


@register.filter
def credit(value):
    """The one way a 学时 figure is shown (learning.credits.format_credit): 1.50 → 1.5, 2.00 → 2."""
    return format_credit(value)
