from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("slots/<int:slot_id>/signup/", views.sign_up, name="sign_up"),
    path("signups/<int:signup_id>/cancel/", views.cancel, name="cancel"),
    path("proposals/new/", views.propose, name="propose"),
    path("certificates/", views.issue_certificate, name="issue_certificate"),
    path("certificates/<str:number>/", views.certificate, name="certificate"),
    path("manage/", views.manage, name="manage"),
    path("manage/slots/<int:slot_id>/", views.roster, name="roster"),
    path("manage/slots/<int:slot_id>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("manage/projects/<int:page_id>/hours.xlsx", views.project_hours_xlsx, name="project_hours_xlsx"),
    path("manage/hours.xlsx", views.annual_hours_xlsx, name="annual_hours_xlsx"),
    path("manage/signups/<int:signup_id>/", views.signup_detail, name="signup_detail"),
    path("manage/signups/<int:signup_id>/certificate/", views.issue_certificate_for, name="issue_certificate_for"),
    path("hours/", views.hours_overview, name="hours_overview"),
    path("hours/hours.xlsx", views.hours_overview_xlsx, name="hours_overview_xlsx"),
]
