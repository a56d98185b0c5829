"""Forms of the portal's help articles, worded for customers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.selectors import services_with_public_articles
from knowledge.services import MAX_COMMENT_LENGTH

#: The search page shows this many results at a time, and pages no further than this.
PAGE = 20
MAX_START = 200


class PortalSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the help articles"), max_length=200, required=False)
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=services_with_public_articles(),
        required=False,
        empty_label=_("All services"),
    )
    start = forms.IntegerField(min_value=0, max_value=MAX_START, required=False)


class FeedbackForm(forms.Form):
    """ "Did this answer your question?": the button pressed says yes or no."""

    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Say whether the article answered your question.")},
    )
    comment = forms.CharField(
        label=_("What was missing or unclear? (optional)"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    #: Where the answer was given: "raise" when it stopped a ticket being raised.
    source = forms.CharField(required=False, widget=forms.HiddenInput)
