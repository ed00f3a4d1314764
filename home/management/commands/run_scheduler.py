"""Publish what is due, once a minute, until stopped: 定期公开 notices and any page scheduled in the admin.

Wagtail's `publish_scheduled` does the work but must be run by something. `make run` starts this command beside
the development server; production runs `publish_scheduled` from a systemd timer instead (docs/deploy.md), so that
a stopped loop can never leave notices unpublished unnoticed.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = "每分钟运行一次 publish_scheduled，发布到时的定时内容（开发环境用；生产环境用 systemd 定时器）。"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60, help="间隔秒数（默认 60）")
        parser.add_argument("--once", action="store_true", help="只运行一次")

    def handle(self, *args, every, once, **options):
        while True:
            try:
                call_command("publish_scheduled", verbosity=0)
            except Exception as error:  # the loop outlives a locked database or a bad revision; the next tick retries
                self.stderr.write(f"定时发布失败：{error}")
            if once:
                return
            time.sleep(every)
            # A connection kept over the sleep may have been dropped by the server: take a fresh one.
            close_old_connections()
