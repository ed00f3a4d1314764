"""The site's login backend: Django's ModelBackend, which loads the member record together with the user.

Django reads the logged-in user on every request a member makes, and nearly every such request then reads his
member record (his organizations, his courses, his right to vote): one query with a join instead of two. The same
query tells whether he still has an initial password (members.middleware asks on every request).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import Member
from .scope import remember_member_record


class MemberModelBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("member__organization", "pending_password_change").get(
                pk=user_id
            )
        except User.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        try:
            member = user.member  # loaded by the join: no query, also when there is no record
        except Member.DoesNotExist:
            member = None
        remember_member_record(user, member)
        return user
