"""The forms of canned responses: the staff page's and the Django admin's (the same
texts, the same placeholder check, errors next to the field they concern)."""

from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from incidents.canned import (
    PLACEHOLDERS,
    check_texts,
    languages,
    shareable_groups,
    translation_field,
)
from incidents.models import CannedResponse
from servicedesk.models import SupportGroup


def placeholder_help() -> str:
    """The placeholders a text may hold, for the field's help."""
    listed = ", ".join(f"{{{name}}}: {text}" for name, text in PLACEHOLDERS.items())
    return str(_("Placeholders: %(list)s.") % {"list": listed})


def _translation_field(name: Any) -> forms.CharField:
    return forms.CharField(
        label=format_lazy(_("Text in {language}"), language=name),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


def _add_texts(form: forms.BaseForm, translations: dict[str, str] | None) -> None:
    """The default text's help, and a translation field per language the desk offers,
    showing the response's translations."""
    form.fields["body"].help_text = format_lazy(
        "{} {}",
        _("Used when there is no translation in the contact's language."),
        placeholder_help(),
    )
    for code, name in languages():
        field_name = translation_field(code)
        if field_name not in form.fields:
            form.fields[field_name] = _translation_field(name)
        form.initial.setdefault(field_name, (translations or {}).get(code, ""))


def translations_from(form: forms.BaseForm) -> dict[str, str]:
    """{language: text} from the translation fields (empty ones left out)."""
    data = form.cleaned_data
    return {
        code: data.get(translation_field(code), "").strip()
        for code, _name in languages()
        if data.get(translation_field(code), "").strip()
    }


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class CannedResponseForm(forms.Form):
    """Title, text and translations; `shared_with` only for a service desk manager (who
    may share a response with a support group). The placeholder check is the service's."""

    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    shared_with = GroupChoiceField(
        label=_("Shared with"),
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label=_("Nobody: personal"),
        help_text=_("A support group's responses are offered to all its members."),
    )

    def __init__(
        self, *args: Any, user: Any, response: CannedResponse | None = None, **kwargs: Any
    ) -> None:
        if response is not None:
            kwargs.setdefault(
                "initial",
                {"title": response.title, "body": response.body, "shared_with": response.group_id},
            )
        super().__init__(*args, **kwargs)
        groups = shareable_groups(user)
        if groups.exists():
            cast(forms.ModelChoiceField, self.fields["shared_with"]).queryset = groups
        else:
            del self.fields["shared_with"]
        _add_texts(self, response.translations if response is not None else None)

    def translation_fields(self) -> list[forms.BoundField]:
        return [self[translation_field(code)] for code, _name in languages()]

    def translations(self) -> dict[str, str]:
        return translations_from(self)


class CannedResponseAdminForm(forms.ModelForm):
    """The admin's form: personal (owner) or a group's, and the translations as fields."""

    class Meta:
        model = CannedResponse
        fields = ["title", "body", "owner", "group"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_texts(self, self.instance.translations if self.instance.pk else None)
        self.fields["owner"].help_text = _("Personal: only this agent sees it.")
        self.fields["group"].help_text = _("Shared: offered to all the group's members.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("owner")) == bool(data.get("group")):
            raise forms.ValidationError(
                _("A response is either personal (an owner) or a group's, not both.")
            )
        for field, errors in check_texts(data.get("body", ""), translations_from(self)).items():
            self.add_error(field, errors)
        return data

    def save(self, commit: bool = True) -> CannedResponse:
        self.instance.translations = translations_from(self)
        return super().save(commit)


# The admin lays its form out from declared fields: the translations are declared too.
for _code, _name in languages():
    _field = _translation_field(_name)
    CannedResponseAdminForm.base_fields[translation_field(_code)] = _field
    CannedResponseAdminForm.declared_fields[translation_field(_code)] = _field
