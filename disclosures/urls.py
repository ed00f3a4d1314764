from django.urls import path

from . import views

app_name = "disclosures"

urlpatterns = [
    path("<int:notice_id>/feedback/", views.send_feedback, name="feedback"),
    path("reads/", views.read_reports, name="read_reports"),
    path("reads/<int:notice_id>/", views.read_report, name="read_report"),
]
