"""Form widgets shared by the sections."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A <select> rendered in Python. Django renders every option through a template of its own: for the filter
    forms of the public listings (a hundred units) that was the costliest part of the page. Flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = set(self.format_value(value))
        # The standard library's escape() and one join: format_html per option cost as much as the rest of the form.
        options = "".join(
            f'<option value="{escape(str(option_value))}"{" selected" if str(option_value) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for option_value, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))
