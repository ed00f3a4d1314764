import pytest
from django.template import Context, Template
from wagtail import hooks

from home.sections import PAGE_BADGES_HOOK, PageBadge


@pytest.mark.django_db
def test_sections_put_badges_on_pages_they_do_not_own(home_page):
    def winners(pages):
        return {page.pk: [PageBadge("十佳微型党课", "/awards/2026/")] for page in pages if page.pk == home_page.pk}

    with hooks.register_temporarily(PAGE_BADGES_HOOK, winners):
        html = Template("{% load section_tags %}{% page_badges page %}").render(Context({"page": home_page}))
    assert '<a class="badge" href="/awards/2026/">十佳微型党课</a>' in html


@pytest.mark.django_db
def test_no_badges_no_markup(home_page):
    html = Template("{% load section_tags %}{% page_badges page %}").render(Context({"page": home_page}))
    assert html.strip() == ""
