"""What every app's forms share: the version a form was shown with (and a stale form's
input rebased onto the current one), service errors put next to their fields, a field
that takes several files, and a quick <select> for long lists."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: The integer every versioned model bumps on each save (servicedesk.workflow's default).
VERSION_FIELD = "version"


class QuickSelect(forms.Select):
    """A <select> drawn in Python rather than one template per option: a filter of
    hundreds of organisations or services costs microseconds instead of milliseconds.
    Attributes, choices and option groups behave as with forms.Select."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}

        def option(key: Any, label: Any) -> str:
            key = str("" if key is None else key)
            selected = " selected" if key in chosen else ""
            return f'<option value="{escape(key)}"{selected}>{escape(str(label))}</option>'

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(option(k, text) for k, text in label)
                parts.append(f'<optgroup label="{escape(str(key))}">{inner}</optgroup>')
            else:
                parts.append(option(key, label))
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        # (every value and label escaped above)
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(parts)))


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The choices from one plain query: QuerySet.iterator() would open a server-side
    cursor on PostgreSQL (three round trips) for a list that fits in memory anyway."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in list(self.queryset):
            yield self.choice(record)


class QuickModelChoiceField(forms.ModelChoiceField):
    """A model choice for long lists (organisations, services): one query, drawn quickly."""

    iterator = _ListedChoices
    widget = QuickSelect


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (none when not required): cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names, or on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedForm[M: models.Model](forms.Form):
    """Carries the version of the record the user saw, so a stale submit is refused (the
    service compares it with the locked row's). Given the `record`, a form narrows its
    choices to what that record allows (`fit_to`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, record: M | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record
        if record is not None:
            self.fit_to(record)

    def fit_to(self, record: M) -> None:
        """Narrow the choices to this record (nothing to narrow by default)."""


def version_of(record: models.Model) -> int:
    """The version of the record a form is shown with."""
    return int(getattr(record, VERSION_FIELD))


def rebase[F: VersionedForm[Any]](form_class: type[F], sent: QueryDict, record: models.Model) -> F:
    """The loser of a race keeps what they typed, now on top of the current version, so
    sending it again (after reading what changed) is a deliberate decision that works."""
    data = sent.copy()
    data["version"] = str(version_of(record))
    rebased = form_class(data, record=record)
    rebased.is_valid()
    return rebased
