from django.urls import path

from .views import credits, media, quiz, reports, study

app_name = "learning"

urlpatterns = [
    path("heartbeat/", study.heartbeat, name="heartbeat"),
    path("media/<int:page_id>/", media.media_file, name="media"),
    path("captions/<int:page_id>/", media.captions_file, name="captions"),
    path("test/<int:page_id>/", quiz.take_test, name="test"),
    path("test/result/<int:attempt_id>/", quiz.attempt_result, name="attempt_result"),
    path("my/", credits.my_credits, name="my_credits"),
    path("certificate/<int:course_id>/", credits.certificate, name="certificate"),
    path("certificates/verify/", credits.verify_certificate, name="verify_certificate"),
    path("credits/new/", credits.record_credit, name="record_credit"),
    path("credits/<int:record_id>/attachment/", credits.credit_attachment, name="credit_attachment"),
    path("report/", reports.report_home, name="report"),
    path("report/all/", reports.overview, name="overview"),
    path("report/all/export/", reports.overview_xlsx, name="overview_xlsx"),
    path("report/<int:organization_id>/", reports.branch_report, name="branch_report"),
    path("report/<int:organization_id>/export/", reports.branch_report_xlsx, name="branch_report_xlsx"),
]
