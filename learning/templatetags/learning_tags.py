from django import template

from learning import conf
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


@register.simple_tag
def test_rules(page):
    """The test's rules in one sentence, shown beside the link that opens it (no query)."""
    return (
        f"测试规则：每次从题库随机抽取 {page.questions_per_attempt} 题，答对 {page.pass_mark}% 即为通过；"
        f"每天最多提交 {conf.test_attempts_per_day()} 次，两次之间间隔 {conf.test_retry_minutes()} 分钟。"
    )
