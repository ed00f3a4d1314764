from .certificates import CertificateCounter, CourseCertificate
from .pages import (
    CourseIndexPage,
    CoursePage,
    CourseQuestion,
    LessonPage,
    LessonQuestion,
    MicroLessonIndexPage,
    MicroLessonPage,
)
from .study import CreditRecord, StudyClock, StudyProgress, TestAttempt, TestLock

__all__ = [
    "CertificateCounter",
    "CourseCertificate",
    "CourseIndexPage",
    "CoursePage",
    "CourseQuestion",
    "CreditRecord",
    "LessonPage",
    "LessonQuestion",
    "MicroLessonIndexPage",
    "MicroLessonPage",
    "StudyClock",
    "StudyProgress",
    "TestAttempt",
    "TestLock",
]
