"""The editor's form for a lesson or micro lesson: publishing checks that its video or audio fits.

Wagtail 8 defers validation when a draft is saved (`is_deferred_validation`), and only then: publishing, submitting
for review and scheduling all validate in full. So a draft with a clip that is still too short, or without its
transcript, may be saved while the editor works on it; it cannot go live.
"""

from home.admin_forms import BasePageForm

from .media import publish_problems


class StudyMaterialForm(BasePageForm):
    def clean(self):
        cleaned_data = super().clean()
        if self.is_deferred_validation:
            return cleaned_data
        minutes = cleaned_data.get("duration_minutes")
        problems = publish_problems(
            media=cleaned_data.get("media"),
            transcript=cleaned_data.get("transcript"),
            captions=cleaned_data.get("captions"),
            duration_minutes=minutes,
            required_seconds=self.instance.required_seconds_for(minutes) if minutes else 0,
        )
        for field_name, message in problems.items():
            if field_name not in self.errors:
                self.add_error(field_name, message)
        return cleaned_data
