"""Forms of the staff's knowledge pages: they parse and validate what staff type; the
services in knowledge/services.py decide what happens."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from knowledge import services
from knowledge.models import Article, Category, Status, Visibility
from servicedesk.forms import MultipleFileField, VersionedForm
from servicedesk.models import Service


def _language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class SearchForm(forms.Form):
    """The search box and its filters (GET). Every field is optional: a filter that does
    not parse is left out, and the page says so beside it."""

    q = forms.CharField(label=_("Search the knowledge base"), max_length=200, required=False)
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Any service"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any category"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    # Published first: the select shows it when no status was asked for.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s.value, s.label)
            for s in (Status.PUBLISHED, Status.IN_REVIEW, Status.DRAFT, Status.RETIRED)
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Any language")), *_language_choices()]
        # A changed filter searches again at once (htmx); without JS, the Search button.
        for name in ("service", "category", "language", "status"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("knowledge:home"),
                    "hx-include": "closest form",
                    "hx-target": "#results",
                    "hx-swap": "outerHTML",
                    "hx-push-url": "true",
                }
            )

    def filters(self) -> dict:
        """The valid filters (a field that did not parse counts as not given)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "service": data.get("service"),
            "category": data.get("category"),
            "language": data.get("language") or None,
            "status": data.get("status") or Status.PUBLISHED,
        }


class ArticleForm(forms.Form):
    """A new article: its text and classification, and files its text may show."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text=_(
            "Markdown: **bold**, `code`, ``` for code blocks, - for lists. Show an "
            "attached image with ![description](attachment:file-name.png)."
        ),
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("No single service"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=_("Words people search for that the text may not use, separated by commas."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        help_text=_("Public articles are shown to customers in the portal once published."),
    )
    language = forms.ChoiceField(label=_("Language"), initial=settings.LANGUAGE_CODE)
    files = MultipleFileField(  # type: ignore[assignment]  # (Form.files: the uploads)
        label=_("Attach files"),
        required=False,
        help_text=_(
            "Images (PNG, JPEG, GIF, WebP) can be shown in the text; other files are downloads."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = _language_choices()

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        for upload in files:
            try:
                services.validate_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["files"]) from error
        return files

    def content(self) -> dict:
        """The article's fields as the services take them."""
        return {name: self.cleaned_data[name] for name in services.CONTENT_FIELDS}


class ArticleEditForm(VersionedForm[Article], ArticleForm):
    """An article changed: the version it was shown at guards against a stale edit."""


def edit_initial(article: Article) -> dict:
    return {
        "version": article.version,
        "title": article.title,
        "body": article.body,
        "service": article.service_id,
        "category": article.category_id,
        "keywords": article.keywords,
        "visibility": article.visibility,
        "language": article.language,
    }


class TransitionForm(VersionedForm[Article]):
    """A lifecycle step: the version the page showed, and why (required to send back)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        # The panel opens on a click: the reason box takes the focus (htmx honours it).
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
    )


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Did this article help?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=services.MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
