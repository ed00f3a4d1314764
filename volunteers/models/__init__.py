"""志愿服务: projects and their time slots (pages), volunteers, sign-ups, hours, requests and proposals."""

from .choices import AVAILABLE_TIMES, CATEGORIES
from .pages import ServiceRequestPage, ServiceSlot, VolunteerProjectIndexPage, VolunteerProjectPage
from .records import AttendanceChange, ServiceCertificate, SignUp, VolunteerProfile
from .requests import ProjectProposal, ServiceRequest

__all__ = [
    "AVAILABLE_TIMES",
    "CATEGORIES",
    "AttendanceChange",
    "ProjectProposal",
    "ServiceCertificate",
    "ServiceRequest",
    "ServiceRequestPage",
    "ServiceSlot",
    "SignUp",
    "VolunteerProfile",
    "VolunteerProjectIndexPage",
    "VolunteerProjectPage",
]
