import re

from django.core.exceptions import ValidationError

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.IGNORECASE)


def no_markup(value):
    """Free text is plain text: refuse anything that looks like an HTML tag or a script link."""
    if value and _MARKUP.search(value):
        raise ValidationError("请勿输入网页代码（如 <script> 等标签）。", code="markup")
