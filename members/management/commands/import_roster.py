import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.progress import Progress
from members.models import RosterChange, RosterImport
from members.roster import RosterConflict, RosterFileError, apply_import, discard_import, stage_import

SHOWN_PER_KIND = 20


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）导入党员名册：先列出新增、变更、县内转接、转出和错误行，"
        "确认后（--apply 或在提示时输入 y）在一个事务中全部写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="党员名册 .xlsx 文件")
        parser.add_argument("--apply", action="store_true", help="不再询问，预览无误即写入")
        parser.add_argument("--sha256", default="", help="只在文件的 SHA-256 与此值相同时写入（与先前的预览绑定）")
        parser.add_argument("--user", default="", help="记为导入人的用户名")

    def handle(self, *args, file, apply, sha256, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"没有用户名为 {user} 的用户。")
        data = path.read_bytes()

        def progress(label, total):
            return Progress(label, total, self.stdout)

        try:
            record, plan = stage_import(
                data, path.name, user=importer, source=RosterImport.Source.COMMAND, progress=progress
            )
        except RosterFileError as error:
            raise CommandError(str(error)) from error
        self._report(record, plan)

        if plan.errors:
            discard_import(record)
            raise CommandError(f"名册中有 {len(plan.errors)} 处错误，未写入任何数据。请修正后重新导入。")
        if not plan.entries:
            discard_import(record)
            self.stdout.write(self.style.SUCCESS("名册与党员信息库一致，没有需要写入的变动。"))
            return
        if sha256 and sha256.lower() != record.sha256:
            discard_import(record)
            raise CommandError(f"文件的 SHA-256 是 {record.sha256}，与 --sha256 给出的不同，未写入。")
        if not apply:
            if not sys.stdin.isatty():
                discard_import(record)
                self.stdout.write("仅预览，未写入。确认无误后加 --apply 再运行一次（可加 --sha256 绑定此文件）。")
                return
            answer = input("确认按以上内容写入党员信息库？[y/N] ").strip().lower()
            if answer not in ("y", "yes", "是"):
                discard_import(record)
                self.stdout.write("已取消，未写入任何数据。")
                return
        try:
            apply_import(record.pk, user=importer, expected_sha256=record.sha256, progress=progress)
        except RosterConflict as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"已导入：{self._counts(plan.summary)}。"))

    def _counts(self, summary):
        parts = [f"{label} {summary.get(kind, 0)} 人" for kind, label in RosterChange.Kind.choices]
        return "，".join(parts) + f"，未变 {summary.get('unchanged', 0)} 人"

    def _report(self, record, plan):
        write = self.stdout.write
        write(f"文件：{record.file_name}　SHA-256：{record.sha256}")
        write(f"数据行：{plan.row_count}；{self._counts(plan.summary)}；错误 {len(plan.errors)} 处。")
        for warning in plan.warnings:
            write(self.style.WARNING(f"注意：{warning}"))
        for kind, label in RosterChange.Kind.choices:
            entries = [entry for entry in plan.entries if entry.kind == kind]
            if not entries:
                continue
            write(f"\n{label}（{len(entries)}）：")
            for entry in entries[:SHOWN_PER_KIND]:
                where = f"第 {entry.row} 行　" if entry.row else ""
                moved = ""
                if entry.kind in (RosterChange.Kind.MOVED, RosterChange.Kind.LEFT, RosterChange.Kind.RETURNED):
                    moved = f"　{plan.display('organization', entry.from_organization) or '—'} → "
                    moved += plan.display("organization", entry.to_organization) or "（县外）"
                details = "；".join(
                    f"{label}：{old or '（空）'} → {new or '（空）'}"
                    for label, old, new in plan.display_changes(entry, mask=True)
                    if entry.kind != RosterChange.Kind.JOINED and label != "所在党组织"
                )
                write(f"  {where}{entry.name}{moved}{'　' + details if details else ''}")
            if len(entries) > SHOWN_PER_KIND:
                write(f"  ……另有 {len(entries) - SHOWN_PER_KIND} 人")
        if plan.errors:
            write(self.style.ERROR(f"\n错误（{len(plan.errors)}）："))
            for error in plan.errors:
                write(self.style.ERROR(f"  第 {error.row} 行：{error.message}"))
