"""servicedesk.forms: what every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from servicedesk.forms import MultipleFileField, VersionedForm, apply_service_errors


class Note(forms.Form):
    body = forms.CharField()


def test_a_service_error_naming_a_field_is_shown_next_to_it():
    form = Note({"body": "x"})
    assert form.is_valid()
    apply_service_errors(form, ValidationError({"body": "Too short."}))
    assert form.errors["body"] == ["Too short."]


def test_a_service_error_naming_no_field_of_the_form_is_shown_on_top():
    form = Note({"body": "x"})
    assert form.is_valid()
    apply_service_errors(form, ValidationError({"contact": "Not authorised."}))
    apply_service_errors(form, ValidationError("Closed."))
    assert form.non_field_errors() == ["Not authorised.", "Closed."]


class Narrowed(VersionedForm):
    def fit_to(self, record):
        self.fitted_to = record


def test_a_versioned_form_carries_the_version_and_fits_itself_to_the_record():
    record = object()
    form = Narrowed({"version": "3"}, record=record)
    assert form.record is record and form.fitted_to is record
    assert form.is_valid() and form.cleaned_data["version"] == 3
    assert not Narrowed({}).is_valid()  # the version is required


class Upload(forms.Form):
    # A declared field (the metaclass moves it to base_fields), not BaseForm.files.
    files = MultipleFileField(required=False)  # type: ignore[assignment]


def test_several_files_clean_to_a_list_and_none_to_an_empty_one():
    one = SimpleUploadedFile("a.txt", b"a")
    two = SimpleUploadedFile("b.txt", b"b")
    form = Upload({}, MultiValueDict({"files": [one, two]}))
    assert form.is_valid()
    assert [f.name for f in form.cleaned_data["files"]] == ["a.txt", "b.txt"]
    empty = Upload({}, MultiValueDict())
    assert empty.is_valid() and empty.cleaned_data["files"] == []
