"""Forms parse and validate what staff type; services decide what happens."""

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from incidents.intake.idempotency import submission_field
from incidents.major import open_major_for_service
from incidents.models import INVALID_CLOSURE_CODES, Category, ClosureCode, Incident, Kind
from incidents.selectors import configuration_items_for, linked_published_articles
from knowledge.selectors import published_articles
from servicedesk.forms import (
    MultipleFileField,
    QuickModelChoiceField,
    QuickSelect,
    VersionedForm,
)
from servicedesk.forms import (
    apply_service_errors as apply_service_errors,  # the portal views import it from here
)
from servicedesk.models import (
    ConfigurationItem,
    Contact,
    Impact,
    Line,
    Service,
    SupportGroup,
    Urgency,
)
from servicedesk.parsing import parse_int
from servicedesk.people import display_name

User = get_user_model()


class ConfigurationItemField(QuickModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.service.name})"


class TicketNumberField(forms.CharField):
    """A ticket number, typed in any case, cleaned to the ticket among `rows` (every
    ticket by default); None when left empty. error_messages["unknown"] words the
    refusal of a number not among them."""

    default_error_messages = {"unknown": _("There is no ticket %(number)s.")}

    def __init__(self, *, rows: "QuerySet[Incident] | None" = None, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.rows = rows

    def clean(self, value: str) -> Incident | None:
        number = (super().clean(value) or "").strip().upper()
        if not number:
            return None
        rows = self.rows if self.rows is not None else Incident.objects.all()
        ticket = rows.filter(number=number).first()
        if ticket is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"number": number}
            )
        return ticket


class ClassificationFields(forms.Form):
    """`organisation_id` limits the configuration items to the customer's own and shared
    ones; the service select narrows them further by htmx (all of them without JS)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, widget=QuickSelect)
    service = QuickModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), required=False
    )
    configuration_item = ConfigurationItemField(
        label=_("Configuration item"), queryset=ConfigurationItem.objects.none(), required=False
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        coerce=int,
        initial=Urgency.MEDIUM,
        widget=QuickSelect,
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"),
        choices=Impact.choices,
        coerce=int,
        initial=Impact.LOW,
        widget=QuickSelect,
    )

    def __init__(self, *args, organisation_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_configuration_items(organisation_id)

    def limit_configuration_items(self, organisation_id: int | None) -> None:
        field = cast(forms.ModelChoiceField, self.fields["configuration_item"])
        field.queryset = configuration_items_for(organisation_id=organisation_id)
        query = f"?organisation={organisation_id}" if organisation_id else ""
        self.fields["service"].widget.attrs.update(
            {
                "hx-get": reverse("incidents:configuration_items") + query,
                "hx-trigger": "change",
                "hx-target": "#id_configuration_item",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        ci, service = data.get("configuration_item"), data.get("service")
        if ci and service and ci.service_id != service.pk:
            self.add_error(
                "configuration_item", _("This configuration item does not belong to the service.")
            )
        return data


class LogCallForm(ClassificationFields):
    """L1 logs a phone call for a contact found by contract, name, email or phone; the
    knowledge articles ticked beside the form are linked to the new ticket."""

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
    articles = forms.ModelMultipleChoiceField(
        queryset=published_articles(), required=False, widget=forms.MultipleHiddenInput
    )
    #: Ticked when the service has an open major incident (the number of that incident):
    #: the new ticket is linked to it as soon as it is registered.
    link_major = forms.CharField(
        label=_("Link to the major incident"),
        required=False,
        max_length=20,
    )  # a checkbox with the number as its value: templates/incidents/_log_call_major.html

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_configuration_items(self.chosen_organisation_id())
        for name in ("title", "description"):
            self.fields[name].widget.attrs.update(_suggesting_articles())

    def chosen_organisation_id(self) -> int | None:
        """The caller's organisation, from the contact the form was sent with."""
        contact_id = parse_int(self.data.get("contact")) if self.is_bound else None
        if contact_id is None:
            return None
        return (
            Contact.objects.filter(pk=contact_id).values_list("organisation_id", flat=True).first()
        )

    def clean_contact(self):
        contact = self.cleaned_data["contact"]
        if not contact.is_authorised:
            raise ValidationError(
                _("%(name)s is not authorised to open tickets for %(org)s.")
                % {"name": contact.name, "org": contact.organisation.name}
            )
        return contact

    def clean(self):
        data = super().clean()
        typed = (data.get("link_major") or "").strip().upper()
        data["link_major"] = None
        if not typed:
            return data
        service = data.get("service")
        major = open_major_for_service(service.pk if service else None)
        if major is None or major.number != typed:
            self.add_error(
                "link_major",
                _(
                    "%(number)s is no longer an open major incident on this service: "
                    "register the ticket without it, or link it from the ticket's page."
                )
                % {"number": typed[:20]},
            )
        elif data.get("kind") != Kind.INCIDENT:
            self.add_error(
                "link_major",
                _("Only an incident is linked to a major incident, not a service request."),
            )
        else:
            data["link_major"] = major
        return data


def _suggesting_articles() -> dict[str, str]:
    """While the agent types, matching knowledge articles appear beside the form."""
    return {
        "hx-get": reverse("incidents:article_suggestions"),
        "hx-trigger": "keyup changed delay:400ms",
        "hx-include": "#id_title, #id_description, #kb-suggestions [name=articles]",
        "hx-target": "#kb-suggestions",
        "hx-swap": "innerHTML",
        "hx-sync": "#kb-suggestions:replace",
    }


class ClassifyForm(VersionedForm[Incident], ClassificationFields):
    pass


def _group_choices():
    return SupportGroup.objects.filter(is_active=True).order_by("line", "name")


def group_members(group: SupportGroup | None = None):
    """Active people in a support group (any group when none is given), by name."""
    people = User.objects.filter(is_active=True)
    if group is None:
        people = people.filter(support_groups__is_active=True).distinct()
    else:
        people = people.filter(support_groups=group)
    return people.order_by("first_name", "last_name", "pk")


class StaffChoiceField(forms.ModelChoiceField):
    """People by full name, never by login."""

    def label_from_instance(self, obj) -> str:
        return display_name(obj)


def _members_select(field: forms.Field) -> None:
    """The group select refreshes the assignee list by htmx (without JS the list holds
    everyone in a group, and clean() checks the choice)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse_lazy("incidents:assignee_choices"),
            "hx-trigger": "change",
            "hx-target": "#id_assignee",
            "hx-swap": "innerHTML",
        }
    )


if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


class AssigneeInGroupMixin(_FormBase):
    group_field = "group"

    def clean(self):
        super().clean()
        data = self.cleaned_data
        group, assignee = data.get(self.group_field), data.get("assignee")
        if group and assignee and not group.members.filter(pk=assignee.pk).exists():
            self.add_error(
                "assignee",
                _("%(user)s is not a member of %(group)s.")
                % {"user": display_name(assignee), "group": group.name},
            )
        return data


class AssignForm(AssigneeInGroupMixin, VersionedForm[Incident]):
    group = forms.ModelChoiceField(label=_("Support group"), queryset=_group_choices())
    assignee = StaffChoiceField(
        label=_("Assignee"),
        queryset=group_members(),
        required=False,
        help_text=_("Leave empty to give it to the whole group."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when the ticket already had a group."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _members_select(self.fields["group"])


class EscalateForm(AssigneeInGroupMixin, VersionedForm[Incident]):
    group_field = "to_group"
    to_group = forms.ModelChoiceField(
        label=_("Escalate to"),
        queryset=_group_choices(),
        error_messages={
            "invalid_choice": _("Escalation goes to another line; use Assign within the same line.")
        },
    )
    assignee = StaffChoiceField(
        label=_("Assignee"),
        queryset=group_members(),
        required=False,
        help_text=_("Leave empty to give it to the whole group."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _members_select(self.fields["to_group"])

    def fit_to(self, incident: Incident) -> None:
        """Escalation goes to another line than the ticket's current one."""
        line = incident.support_group.line if incident.support_group is not None else Line.L1
        field = cast(forms.ModelChoiceField, self.fields["to_group"])
        field.queryset = _group_choices().exclude(line=line)


class StartWorkForm(VersionedForm[Incident]):
    pass


class ConfirmForm(VersionedForm[Incident]):
    pass


class RequestInformationForm(VersionedForm[Incident]):
    comment = forms.CharField(
        label=_("What the contact needs to provide"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the contact as a public comment."),
    )


class EngageThirdPartyForm(VersionedForm[Incident]):
    third_party = forms.CharField(label=_("Third party"), max_length=200)
    comment = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ResumeForm(VersionedForm[Incident]):
    comment = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.title}"


class CompleteForm(VersionedForm[Incident]):
    """The resolution, and optionally the published knowledge article it followed: one
    of those linked to the ticket, or another by its number. `article` in the cleaned
    data is the one chosen (or None)."""

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
    resolved_with = ArticleChoiceField(
        label=_("Resolved with a linked article"),
        queryset=published_articles(),
        required=False,
        empty_label=_("None"),
        help_text=_("Counts as a use of the article."),
    )
    other_article = forms.CharField(
        label=_("Resolved with another article"),
        max_length=20,
        required=False,
        help_text=_("Its number, e.g. KB-000123."),
    )

    def fit_to(self, incident: Incident) -> None:
        """Offer the published articles linked to the ticket; without any, only the
        number field is shown."""
        linked = list(linked_published_articles(incident))
        if not linked:
            del self.fields["resolved_with"]
            self.fields["other_article"].label = _("Resolved with a knowledge article")
            return
        field = cast(ArticleChoiceField, self.fields["resolved_with"])
        field.widget.choices = [("", field.empty_label)] + [
            (article.pk, field.label_from_instance(article)) for article in linked
        ]

    def clean_other_article(self):
        number = self.cleaned_data["other_article"].strip().upper()
        if not number:
            return None
        article = published_articles().filter(number=number).first()
        if article is None:
            raise ValidationError(_("No published article has this number."))
        return article

    def clean(self):
        super().clean()
        data = self.cleaned_data
        chosen, other = data.get("resolved_with"), data.get("other_article")
        if chosen and other and chosen != other:
            self.add_error("other_article", _("Choose one article."))
        data["article"] = chosen or other
        return data


class CompleteAsInvalidForm(VersionedForm[Incident]):
    closure_code = forms.ChoiceField(
        label=_("Closure code"),
        choices=[("", "---------")]
        + [c for c in ClosureCode.choices if c[0] in INVALID_CLOSURE_CODES],
    )
    duplicate_of = TicketNumberField(
        label=_("Duplicate of"),
        required=False,
        rows=Incident.objects.select_related("duplicate_of"),
        help_text=_("For a duplicate: the number of the original ticket."),
    )
    reason = forms.CharField(
        label=_("Explanation for the contact"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectResolutionForm(VersionedForm[Incident]):
    reason = forms.CharField(
        label=_("What is still wrong"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmOnBehalfForm(VersionedForm[Incident]):
    """The contact phoned in their answer; the agent records it on their behalf."""

    on_behalf_of = forms.ModelChoiceField(
        label=_("Contact who phoned"),
        queryset=Contact.objects.none(),
        help_text=_("Recorded as their answer, given by phone to you."),
    )

    def fit_to(self, incident: Incident) -> None:
        deciders = Contact.objects.filter(
            organisation_id=incident.organisation_id, is_active=True, is_authorised=True
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["on_behalf_of"]).queryset = deciders
        self.fields["on_behalf_of"].initial = incident.contact_id


class RejectOnBehalfForm(ConfirmOnBehalfForm):
    reason = forms.CharField(
        label=_("What the contact says is still wrong"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    is_public = forms.BooleanField(
        label=_("Public: the contact sees it"),
        required=False,
    )
    # A declared field (the metaclass moves it to base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attach files"), required=False
    )
