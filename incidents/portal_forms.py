"""Forms of the customer portal, worded for customers. A service's request form is built
from the questions an admin defined for it (servicedesk.ServiceFormField)."""

from datetime import date
from decimal import Decimal
from typing import TypedDict, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.forms import MultipleFileField
from incidents.intake.idempotency import submission_field
from incidents.models import Incident, Kind, SatisfactionRating
from servicedesk.models import Contact, Service, ServiceFormField, Urgency

#: The five urgency levels, as a customer would say them.
URGENCY_FOR_CUSTOMERS = [
    (Urgency.VERY_HIGH.value, _("Very high: our business has stopped")),
    (Urgency.HIGH.value, _("High: important work is blocked")),
    (Urgency.MEDIUM.value, _("Medium: we can work, but it gets in the way")),
    (Urgency.LOW.value, _("Low: a minor inconvenience")),
    (Urgency.NONE.value, _("None: no rush")),
]
KIND_FOR_CUSTOMERS = {
    Kind.INCIDENT.value: _("Something is broken or does not work as it should"),
    Kind.REQUEST.value: _("I need something: a change, resources, a licence or advice"),
}
QUESTION_PREFIX = "q_"


class _QuestionArgs(TypedDict):
    label: str
    help_text: str
    required: bool


def question_field(question: ServiceFormField) -> forms.Field:
    """The form field that asks one of the service's questions."""
    common: _QuestionArgs = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    kind = question.kind
    if kind == ServiceFormField.Kind.TEXTAREA:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == ServiceFormField.Kind.CHOICE:
        options = [(option, option) for option in question.options]
        return forms.ChoiceField(choices=[("", _("Choose…")), *options], **common)
    if kind == ServiceFormField.Kind.NUMBER:
        return forms.DecimalField(
            max_digits=20,
            decimal_places=6,
            widget=forms.NumberInput(attrs={"step": "any"}),
            **common,
        )
    if kind == ServiceFormField.Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"],
            **common,
        )
    return forms.CharField(max_length=500, **common)


def answer_text(value) -> str:
    """How an answer is stored on the ticket (and shown to support)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class RaiseForm(forms.Form):
    """A new incident or request for one service of the catalogue, with its questions."""

    kind = forms.ChoiceField(label=_("What is it about?"), widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Summary"),
        max_length=200,
        help_text=_("One line, for example: “Our website answers with error 502”."),
    )
    description = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("What happens, since when, and what you have tried."),
    )
    urgency = forms.TypedChoiceField(
        label=_("How urgent is it for you?"),
        choices=URGENCY_FOR_CUSTOMERS,
        coerce=int,
        initial=Urgency.MEDIUM.value,
        widget=forms.RadioSelect,
        help_text=_("We confirm a very high or high urgency with you by phone."),
    )
    # A declared field (the metaclass moves it to base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attach files"),
        required=False,
        help_text=_("Screenshots, logs or documents that help us (optional)."),
    )
    submission = submission_field()

    def __init__(self, *args, contact: Contact, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = contact.raisable_kinds
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [(k, KIND_FOR_CUSTOMERS[k]) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
            self.fields["kind"].widget = forms.HiddenInput()
        self.questions = list(service.form_fields.all())
        for question in self.questions:
            self.fields[f"{QUESTION_PREFIX}{question.pk}"] = question_field(question)

    @property
    def single_kind(self) -> str:
        # The list __init__ set (ChoiceField keeps a list as it is).
        choices = cast(list[tuple[str, str]], cast(forms.ChoiceField, self.fields["kind"]).choices)
        return str(choices[0][1]) if len(choices) == 1 else ""

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"{QUESTION_PREFIX}{q.pk}"] for q in self.questions]

    def form_answers(self) -> dict:
        """The answers, in the order the questions were asked; unanswered ones left out."""
        answers = []
        for question in self.questions:
            value = self.cleaned_data.get(f"{QUESTION_PREFIX}{question.pk}")
            if value is None or value == "":
                continue
            answers.append({"label": question.label, "value": answer_text(value)})
        return {"answers": answers}


class PortalCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    # A declared field (the metaclass moves it to base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attach files"), required=False
    )


class UrgencyRequestForm(forms.Form):
    """Ask support to raise the urgency: only levels above the current one are offered."""

    urgency = forms.TypedChoiceField(label=_("New urgency"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why has it become more urgent?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, incident: Incident, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["urgency"]).choices = [
            (value, label) for value, label in URGENCY_FOR_CUSTOMERS if value < incident.urgency
        ]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Tell us what is still wrong, so we can fix it.")},
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled this ticket?"),
        choices=SatisfactionRating.Score.choices,
        coerce=int,
        error_messages={"required": _("Choose from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
