import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class LettersAndDigitsValidator:
    """A password must mix letters and digits."""

    message = "密码必须同时包含字母和数字。"

    def validate(self, password, user=None):
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(self.message, code="password_letters_and_digits")

    def get_help_text(self):
        return self.message


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2.19 changed its text and has no translation)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
