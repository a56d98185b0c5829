"""Who may log in: Django's model backend, except that a deactivated customer contact's
portal login no longer authenticates, neither afresh nor from a session opened before
(the session's user is looked up through the backend on every request)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ActiveContactBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's user, with its contact if it has one, in one query (every request
        reads both: staff pages as well, to learn that there is no contact)."""
        model = get_user_model()
        try:
            user = model._default_manager.select_related("contact").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        try:
            contact = user.contact
        except AttributeError:  # no contact: staff, or a login without one
            return True
        return contact.is_active
