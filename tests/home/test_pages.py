import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Template
from wagtail import hooks
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.models import HomePage, SiteSettings, StandardPage
from home.sections import HOME_SECTIONS_HOOK, HomeSection


class PageTreeRulesTest(WagtailPageTestCase):
    def login(self):
        # django-axes needs the request that Client.login() does not pass: log in without a password instead.
        user = get_user_model().objects.create_superuser("root", password="Root2026pw")
        self.client.force_login(user)
        return user

    def test_home_page_sits_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_standard_page_sits_under_home_or_another_standard_page(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_only_one_home_page(self):
        root = Page.objects.get(depth=1)
        self.login()
        self.assertFalse(HomePage.can_create_at(root))

    def test_editor_form_creates_a_standard_page(self):
        self.login()
        home = HomePage.objects.get()
        self.assertCanCreate(
            home,
            StandardPage,
            nested_form_data({"title": "联系我们", "slug": "contact", "body": rich_text("<p>地址</p>")}),
        )
        self.assertEqual(StandardPage.objects.child_of(home).get(slug="contact").title, "联系我们")


@pytest.mark.django_db
def test_home_page_renders_in_chinese_without_fake_sections(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN"' in html
    assert "机关党建网" in html
    assert response.context["sections"] == []
    assert "home-section" not in html


@pytest.mark.django_db
def test_home_page_shows_what_a_section_registers(client, home_page):
    def notices(request, page):
        template = Template("{% for notice in section.context.notices %}<p>{{ notice }}</p>{% endfor %}")
        return HomeSection(order=5, title="党务公开", template=template, context={"notices": ["关于召开会议的通知"]})

    def nothing_yet(request, page):
        return None

    with (
        hooks.register_temporarily(HOME_SECTIONS_HOOK, notices),
        hooks.register_temporarily(HOME_SECTIONS_HOOK, nothing_yet),
    ):
        response = client.get("/")
    assert [section.title for section in response.context["sections"]] == ["党务公开"]
    assert "<p>关于召开会议的通知</p>" in response.content.decode()


@pytest.mark.django_db
def test_pages_load_nothing_from_other_servers(client, home_page):
    html = client.get("/").content.decode()
    for marker in ('src="http', "src='http", 'src="//', '<link rel="stylesheet" href="http', "@import"):
        assert marker not in html


@pytest.mark.django_db
def test_site_settings_defaults_follow_the_regulation(home_page, rf):
    site_settings = SiteSettings.for_site(home_page.get_site())
    assert site_settings.site_name == "机关党建网"
    assert site_settings.member_annual_credits == 32
    assert site_settings.secretary_annual_credits == 56


@pytest.mark.django_db
def test_footer_shows_registration_marks_with_their_record_links(client, home_page):
    site_settings = SiteSettings.for_site(home_page.get_site())
    site_settings.icp_number = "浙ICP备05012345号-1"
    site_settings.police_number = "浙公网安备 33062402000123号"
    site_settings.site_identifier = "3306240001"
    site_settings.save()
    html = client.get("/").content.decode()
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">浙ICP备05012345号-1</a>' in html
    assert "recordcode=33062402000123" in html
    assert "网站标识码：3306240001" in html


@pytest.mark.django_db
def test_main_menu_lists_pages_shown_in_menus(client, home_page):
    about = StandardPage(title="关于我们", slug="about", show_in_menus=True)
    hidden = StandardPage(title="内部说明", slug="hidden", show_in_menus=False)
    home_page.add_child(instance=about)
    home_page.add_child(instance=hidden)
    html = client.get("/").content.decode()
    assert '<a href="/about/">关于我们</a>' in html
    assert "内部说明" not in html


@pytest.mark.django_db
def test_unknown_address_gives_the_chinese_404_page(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_403_page_is_in_chinese(rf, home_page):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/secret/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.django_db
def test_large_text_mode_is_remembered_and_applied(client, home_page):
    response = client.get("/display-mode/", {"next": "/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/about/"
    assert response.cookies["large_text"].value == "1"
    assert '<html lang="zh-CN" class="large-text">' in client.get("/").content.decode()
    # Toggling again switches it off.
    client.get("/display-mode/", {"next": "/"})
    assert '<html lang="zh-CN" class="">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_large_text_toggle_never_redirects_to_another_site(client, home_page):
    response = client.get("/display-mode/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_language_time_zone_and_intranet_settings():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None


@pytest.mark.django_db
def test_wagtail_admin_speaks_chinese(client, editor_user, home_page):
    client.force_login(editor_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "仪表板" in response.content.decode() or "控制面板" in response.content.decode()
