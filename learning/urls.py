from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("heartbeat/", views.heartbeat, name="heartbeat"),
    path("media/<int:page_id>/", views.media_file, name="media"),
    path("captions/<int:page_id>/", views.captions_file, name="captions"),
    path("test/<int:page_id>/", views.take_test, name="test"),
    path("test/result/<int:attempt_id>/", views.attempt_result, name="attempt_result"),
    path("my/", views.my_credits, name="my_credits"),
    path("certificate/<int:course_id>/", views.certificate, name="certificate"),
    path("certificates/verify/", views.verify_certificate, name="verify_certificate"),
    path("credits/new/", views.record_credit, name="record_credit"),
    path("credits/<int:record_id>/attachment/", views.credit_attachment, name="credit_attachment"),
    path("report/", views.report_home, name="report"),
    path("report/all/", views.overview, name="overview"),
    path("report/all/export/", views.overview_xlsx, name="overview_xlsx"),
    path("report/<int:organization_id>/", views.branch_report, name="branch_report"),
    path("report/<int:organization_id>/export/", views.branch_report_xlsx, name="branch_report_xlsx"),
]
