from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import StaleEdit


class StaleChange(StaleEdit):
    """Someone else changed the change request since the form was shown."""

    message = _(
        "Someone else changed this change request while you were working on it. "
        "Your input is kept below: review its current state and submit again."
    )
