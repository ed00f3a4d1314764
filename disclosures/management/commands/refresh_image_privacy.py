"""Recompute which images are private (used only on internal notices), e.g. once after upgrading an existing site:
publishing keeps it up to date afterwards."""

from django.core.management.base import BaseCommand

from disclosures.wagtail_hooks import refresh_image_privacy
from home.models import SiteImage


class Command(BaseCommand):
    help = "重新判定哪些图片只用于党内公开事项（受保护，经检查后提供），并移动其文件。"

    def handle(self, *args, **options):
        refresh_image_privacy()
        count = SiteImage.objects.filter(is_private=True).count()
        self.stdout.write(f"受保护的图片：{count} 张。")
