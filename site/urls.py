from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from members.two_factor import two_factor

accounts_urls = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("two-factor/", two_factor, name="two_factor"),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("private-images/", include("home.media_urls")),  # images of internal notices, through a checked view
    path("accounts/", include(accounts_urls)),
    path("me/", home_views.me, name="me"),
    path("messages/", include("messaging.urls")),
    path("search/", home_views.search, name="search"),
    path("display-mode/", home_views.toggle_large_text, name="toggle_large_text"),
    path("notices/", include("disclosures.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("sitemap.xml", sitemap),
    path("learning/", include("learning.urls")),
]

if settings.DEBUG:
    from django.views.static import serve

    # Images only: documents are served by Wagtail's checked view, never straight from storage.
    urlpatterns += [
        re_path(r"^media/(?P<path>(?:original_images|images)/.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

# Wagtail serves every other path from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
