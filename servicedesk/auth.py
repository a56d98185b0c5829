"""Who may log in: Django's model backend, except that a deactivated customer contact's
portal login no longer authenticates, neither afresh nor from a session opened before
(the session's user is looked up through the backend on every request)."""

from django.contrib.auth.backends import ModelBackend


class ActiveContactBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        try:
            contact = user.contact
        except AttributeError:  # no contact: staff, or a login without one
            return True
        return contact.is_active
