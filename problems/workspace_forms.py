"""The problems workspace's forms (the problem page's are in forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from problems.services.problems import TITLE_LENGTH


class OpenFromPatternForm(forms.Form):
    """ "Open a problem" on a pattern: which pattern (its key) and the problem's title,
    prefilled from the pattern and edited before it opens."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=800)
    title = forms.CharField(label=_("Title of the problem"), max_length=TITLE_LENGTH)
