import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_heartbeat_clock"),
        ("members", "0007_security_admin_account_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="CertificateCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="年度")),
                ("last_serial", models.PositiveIntegerField(default=0, verbose_name="已用序号")),
            ],
            options={
                "verbose_name": "结业证明编号计数",
                "verbose_name_plural": "结业证明编号计数",
            },
        ),
        migrations.CreateModel(
            name="CourseCertificate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(editable=False, max_length=24, unique=True, verbose_name="证明编号")),
                ("holder_name", models.CharField(max_length=50, verbose_name="姓名")),
                ("course_title", models.CharField(max_length=255, verbose_name="课程名称")),
                ("course_year", models.PositiveSmallIntegerField(verbose_name="学习年度")),
                ("completed_on", models.DateField(verbose_name="结业日期")),
                (
                    "issued_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="出具时间"),
                ),
                (
                    "course",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="certificates",
                        to="learning.coursepage",
                        verbose_name="课程",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="course_certificates",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
            ],
            options={
                "verbose_name": "结业证明",
                "verbose_name_plural": "结业证明",
                "ordering": ["-issued_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("member", "course"), name="learning_one_certificate_per_course")
                ],
            },
        ),
    ]
