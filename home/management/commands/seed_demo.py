from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail import hooks
from wagtail.models import Site

from home.models import HomePage, SiteSettings, StandardPage
from home.sections import DEMO_CONTENT_HOOK
from members import demo as members_demo

INTRODUCTION = (
    "以制度化、规范化、信息化促进机关党建工作科学化。本站提供党务公开、网上党校在线学习、"
    "党员志愿服务和“十佳”评选等服务，群众可查阅公开信息，党员登录后可学习、报名和投票。"
)
ABOUT = (
    "<p>机关党建网由中共县直属机关工作委员会主办，围绕“服务中心、建设队伍”八字方针，"
    "推进机关党建工作制度化、规范化、信息化建设。</p>"
    "<p>全县机关共有 96 个单位党组织，分为 6 个片组开展工作。党员可凭本单位党务干部开通的账号登录，"
    "参加网上学习、报名志愿服务和参与评选投票。</p>"
)


class Command(BaseCommand):
    help = "载入演示数据（党组织、党员、演示账号及各栏目内容）。可重复运行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机数种子（默认 2026）")
        parser.add_argument("--skip-index", action="store_true", help="不重建搜索索引")

    def handle(self, *args, seed, skip_index, **options):
        with transaction.atomic():
            home = self._home_page()
            members_demo.seed(seed=seed, stdout=self.stdout)
            # Each section adds its own demo content through the hook, in registration order.
            for add_demo_content in hooks.get_hooks(DEMO_CONTENT_HOOK):
                add_demo_content(home=home, seed=seed, stdout=self.stdout)
        if not skip_index:
            call_command("update_index", verbosity=0)
            call_command("rebuild_references_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号密码：{members_demo.DEMO_PASSWORD}"))

    def _home_page(self):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise SystemExit("默认站点的根页面不是首页（HomePage），请先运行 migrate。")
        if home.title != "首页" or home.introduction != INTRODUCTION:
            home.title = "首页"
            home.introduction = INTRODUCTION
            home.save_revision().publish()
        site.site_name = "机关党建网"
        site.save()

        settings = SiteSettings.for_site(site)
        settings.organization_name = "中共县直属机关工作委员会"
        settings.service_hotline = "0575-86012345"
        settings.qq_group = "286531947"
        settings.address = "县行政中心 3 号楼 5 楼"
        settings.footer_text = "建议使用 1280×720 以上分辨率浏览。本站所载党内公开信息仅限相关党组织党员查阅。"
        settings.site_identifier = "3306240001"
        settings.icp_number = "浙ICP备05012345号-1"
        settings.police_number = "浙公网安备 33062402000123号"
        settings.save()

        if not StandardPage.objects.child_of(home).filter(slug="about").exists():
            about = StandardPage(title="关于我们", slug="about", body=ABOUT, show_in_menus=True)
            home.add_child(instance=about)
            about.save_revision().publish()
        return home
