"""Insert thousands of Wagtail pages fast: generated data for the benchmark (bench/) and for query-count tests.

`parent.add_child(instance=page)` costs ~0.15 s a page here (tree lock, revision-less save with every signal,
one search-index write each), so 10,000 notices took 25 minutes. A benchmark needs the rows, not the editing
history: this computes the tree paths itself, writes the base `Page` rows with one `bulk_create`, then the
specific rows in batches, then the search index in bulk. Pages made this way are live and have no revisions,
like pages imported by a migration. The site itself never calls this.
"""

from django.db import transaction
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

BATCH = 500


def _next_steps(parent):
    last = parent.get_last_child()
    first = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    step = first
    while True:
        yield step
        step += 1


def add_children(parent, pages, index=True):
    """Add `pages` (unsaved instances of one specific page type, with their own fields set) under `parent`."""
    if not pages:
        return []
    model = type(pages[0])
    steps = _next_steps(parent)
    base_fields = [field for field in Page._meta.concrete_fields if not field.primary_key]
    for page in pages:
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, next(steps))
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.draft_title = page.draft_title or page.title
        page.latest_revision_created_at = page.latest_revision_created_at or page.last_published_at
    local_fields = [field for field in model._meta.local_concrete_fields]
    with transaction.atomic():
        for start in range(0, len(pages), BATCH):
            batch = pages[start : start + BATCH]
            bases = Page.objects.bulk_create(
                [Page(**{field.attname: getattr(page, field.attname) for field in base_fields}) for page in batch]
            )
            for page, base in zip(batch, bases, strict=True):
                page.page_ptr_id = page.id = page.pk = base.pk
                page._state.adding = False
            model._base_manager._insert(batch, fields=local_fields)
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
        parent.numchild += len(pages)
    if index:
        get_search_backend().add_bulk(model, pages)
    return pages
