from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import StaleEdit


class StaleArticle(StaleEdit):
    """Someone else changed the article since the form was shown."""

    message = _(
        "Someone else changed this article while you were working on it. "
        "Your text is kept below: review the article's current state and submit again."
    )
