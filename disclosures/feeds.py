from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

from .visibility import visible_notices

FEED_LENGTH = 50


class PublicNoticeFeed(Feed):
    """RSS of a column's public notices. A feed reader has no login: it gets what an anonymous visitor sees."""

    feed_type = Rss201rev2Feed

    def __init__(self, index):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.index.title} - 向社会公开"

    def link(self):
        return self.index.get_url(self.request)

    def description(self):
        return self.index.introduction or self.index.title

    def items(self):
        return (
            visible_notices(AnonymousUser())
            .child_of(self.index)
            .select_related("issuing_organization")
            .defer_streamfields()[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or f"{item.issuing_organization.name} {item.document_number}".strip()

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_guid(self, item):
        return item.index_number

    item_guid_is_permalink = False
