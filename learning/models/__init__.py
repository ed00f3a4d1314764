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
