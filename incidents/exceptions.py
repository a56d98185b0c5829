from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import StaleEdit


class StaleTicket(StaleEdit):
    """Someone else changed the ticket since the form was shown."""

    message = _(
        "Someone else changed this ticket while you were working on it. "
        "Your input is kept below: review the ticket's current state and submit again."
    )
