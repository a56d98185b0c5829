from django.utils.translation import gettext_lazy as _


class StaleTicket(Exception):
    """Someone else changed the ticket since the form was shown."""

    message = _(
        "Someone else changed this ticket while you were working on it. "
        "Your input is kept below: review the ticket's current state and submit again."
    )
