from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.models import Page

from members.scope import member_record

from . import search as site_search
from .cache import query_key, shared_html
from .context_processors import LARGE_TEXT_COOKIE
from .sections import ME_PANELS_HOOK


@login_required
def me(request):
    member = member_record(request.user)
    panels = (hook(request) for hook in hooks.get_hooks(ME_PANELS_HOOK))
    return render(
        request,
        "home/me.html",
        {
            "member": member,
            "panels": sorted((panel for panel in panels if panel), key=lambda panel: panel.order),
        },
    )


@require_GET
def toggle_large_text(request):
    """Switch the large-text, high-contrast mode (适老化) on or off; remembered in a cookie for a year.

    A GET, because it changes only how this visitor's own pages look.
    """
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


RESULTS_PER_PAGE = 10


@require_GET
def search(request):
    """Site search over every page type, in Chinese; what a visitor may not see is never listed."""
    query = request.GET.get("q", "").strip()
    section_key = request.GET.get("section", "")
    context = {"query": query, "section_key": section_key, "error": "", "results": None, "results_html": ""}
    status = 200
    too_long = len(query) > site_search.MAX_QUERY_LENGTH
    found = site_search.search_pages(request, "" if too_long else query, section_key)
    sections = context["sections"] = found.sections
    section_labels = {section.key: section.label for section in sections}
    context["section_label"] = section_labels.get(section_key, "")
    if too_long:
        context["error"] = f"搜索词太长了，请控制在 {site_search.MAX_QUERY_LENGTH} 个字以内。"
        status = 400
    elif query and not found.terms:
        context["error"] = "请输入要查找的文字、字母或数字。"
    elif found.terms:
        page_number = request.GET.get("page", "")[:10]

        def results_context():
            page_obj = Paginator(found.results(), RESULTS_PER_PAGE).get_page(page_number)
            return {**context, "page_obj": page_obj, "results": _result_items(page_obj, sections, found.terms)}

        # The results part of the page is shared by every search with the same words, page and visible pages
        # (their SQL: the visitor's view restrictions and each section's rules), until the next publish.
        context["results_html"] = shared_html(
            request,
            ("search", query_key(found.pages), query, section_key, page_number),
            "home/search_results_list.html",
            results_context,
        )
    return render(request, "home/search_results.html", context, status=status)


def _result_items(page_obj, sections, terms):
    """The specific pages of one results page, in rank order, with their section and a highlighted snippet."""
    ids = [page.pk for page in page_obj.object_list]
    specific = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    labels = {}
    for section in sections:
        for model in section.models:
            labels[model] = section.label
    items = []
    for pk in ids:
        page = specific.get(pk)
        if page is None:
            continue
        items.append(
            {
                "page": page,
                "section": labels.get(type(page), "网站页面"),
                "title": site_search.highlight(page.title, terms),
                "snippet": site_search.snippet(page.search_text(), terms) if hasattr(page, "search_text") else "",
            }
        )
    return items
