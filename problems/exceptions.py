from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import StaleEdit


class StaleProblem(StaleEdit):
    """Someone else changed the problem since the form was shown."""

    message = _(
        "Someone else changed this problem while you were working on it. "
        "Your input is kept below: review the problem's current state and submit again."
    )
