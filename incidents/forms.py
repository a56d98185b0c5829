"""Forms parse and validate what staff type; services decide what happens."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incidents.intake.idempotency import submission_field
from incidents.models import INVALID_CLOSURE_CODES, Category, ClosureCode, Kind
from servicedesk.models import ConfigurationItem, Contact, Impact, Service, SupportGroup, Urgency

User = get_user_model()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
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


class VersionedForm(forms.Form):
    """Carries the ticket version the user saw, so a stale submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClassificationFields(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), required=False
    )
    configuration_item = forms.ModelChoiceField(
        label=_("Configuration item"),
        queryset=ConfigurationItem.objects.filter(is_active=True).select_related("service"),
        required=False,
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.MEDIUM
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"), choices=Impact.choices, coerce=int, initial=Impact.LOW
    )

    def clean(self):
        data = super().clean()
        ci, service = data.get("configuration_item"), data.get("service")
        if ci and service and ci.service_id != service.pk:
            self.add_error(
                "configuration_item", _("This configuration item does not belong to the service.")
            )
        return data


class LogCallForm(ClassificationFields):
    """L1 logs a phone call for a contact found by contract, name, email or phone."""

    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.filter(is_active=True).select_related("organisation"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Find and choose the caller first.")},
    )
    submission = submission_field()
    title = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    field_order = [
        "contact",
        "kind",
        "title",
        "description",
        "service",
        "configuration_item",
        "category",
        "urgency",
        "impact",
    ]

    def clean_contact(self):
        contact = self.cleaned_data["contact"]
        if not contact.is_authorised:
            raise ValidationError(
                _("%(name)s is not authorised to open tickets for %(org)s.")
                % {"name": contact.name, "org": contact.organisation.name}
            )
        return contact


class ClassifyForm(VersionedForm, ClassificationFields):
    pass


def _group_choices():
    return SupportGroup.objects.filter(is_active=True).order_by("line", "name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class AssignForm(VersionedForm):
    group = forms.ModelChoiceField(label=_("Support group"), queryset=_group_choices())
    assignee = StaffChoiceField(
        label=_("Assignee"),
        queryset=User.objects.filter(is_active=True, support_groups__isnull=False)
        .distinct()
        .order_by("username"),
        required=False,
        help_text=_("Leave empty to give it to the whole group."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when the ticket already had a group."),
    )


class EscalateForm(VersionedForm):
    to_group = forms.ModelChoiceField(label=_("Escalate to"), queryset=_group_choices())
    assignee = AssignForm.base_fields["assignee"]
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class StartWorkForm(VersionedForm):
    pass


class ConfirmForm(VersionedForm):
    pass


class RequestInformationForm(VersionedForm):
    comment = forms.CharField(
        label=_("What the contact needs to provide"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the contact as a public comment."),
    )


class EngageThirdPartyForm(VersionedForm):
    third_party = forms.CharField(label=_("Third party"), max_length=200)
    comment = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ResumeForm(VersionedForm):
    comment = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CompleteForm(VersionedForm):
    closure_code = forms.ChoiceField(
        label=_("Closure code"),
        choices=[("", "---------")]
        + [c for c in ClosureCode.choices if c[0] not in INVALID_CLOSURE_CODES],
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the contact, who confirms or rejects it."),
    )


class CompleteAsInvalidForm(VersionedForm):
    closure_code = forms.ChoiceField(
        label=_("Closure code"),
        choices=[("", "---------")]
        + [c for c in ClosureCode.choices if c[0] in INVALID_CLOSURE_CODES],
    )
    reason = forms.CharField(
        label=_("Explanation for the contact"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectResolutionForm(VersionedForm):
    reason = forms.CharField(
        label=_("What is still wrong"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    is_public = forms.BooleanField(
        label=_("Public: the contact sees it"),
        required=False,
    )
    files = MultipleFileField(label=_("Attach files"), required=False)
