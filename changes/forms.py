"""Forms parse and validate what staff type on a change's pages; changes/services decide
what happens. Times are typed in the user's current time zone (datetime-local) and come
out as aware datetimes."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from changes.models import (
    ChangeRequest,
    ChangeType,
    Decision,
    Level,
    Outcome,
    Risk,
    StandardChangeTemplate,
    assess_risk,
)
from incidents.models import Incident
from problems.models import Problem
from servicedesk.forms import VersionedForm
from servicedesk.models import ConfigurationItem, Service
from servicedesk.people import display_name

User = get_user_model()

#: Numbers typed into one links field, at most.
MAX_NUMBERS = 50
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

#: The questionnaire's answers that give a template's risk (changes.models.assess_risk).
TEMPLATE_ANSWERS = {
    Risk.LOW: {"impact": Level.LOW, "likelihood": Level.LOW},
    Risk.MEDIUM: {"impact": Level.MEDIUM, "likelihood": Level.MEDIUM},
    Risk.HIGH: {"impact": Level.HIGH, "likelihood": Level.HIGH},
}


def _text(label, *, rows: int = 3, required: bool = False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required,
        help_text=help_text,
    )


def _moment(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def staff_people(also: int | None = None) -> QuerySet:
    """Active staff (anyone with a role, never a contact), by name; `also`: whoever is
    named now stays a valid choice."""
    with_role = User.groups.through.objects.values("user_id")
    wanted = Q(pk__in=with_role, is_active=True, contact__isnull=True)
    if also is not None:
        wanted |= Q(pk=also)
    return User.objects.filter(wanted).order_by("first_name", "last_name", "pk")


class PersonField(forms.ModelChoiceField):
    """People by full name, never by login."""

    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class ItemsField(forms.ModelMultipleChoiceField):
    """Configuration items, each with the service it delivers."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.service.name})"


def configuration_items(services: Iterable[Any] = ()) -> QuerySet:
    """Active configuration items, of the services given (all when none is)."""
    items = ConfigurationItem.objects.filter(is_active=True).select_related("service")
    chosen = [s for s in services if s]
    if chosen:
        items = items.filter(service__in=chosen)
    return items.order_by("service__name", "name")


# ----- the plan -------------------------------------------------------------------------


class PlanFields(forms.Form):
    """What a change says: shared by the new-change page and the edit panel."""

    change_type = forms.ChoiceField(
        label=_("Type"), choices=ChangeType.choices, initial=ChangeType.NORMAL
    )
    template = forms.ModelChoiceField(
        label=_("Standard change template"),
        queryset=StandardChangeTemplate.objects.filter(is_active=True),
        required=False,
        help_text=_("A standard change follows a pre-approved template."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("What"), rows=4, help_text=_("What is changed."))
    reason = _text(_("Why"), rows=3, help_text=_("Why the change is needed."))
    impact = forms.ChoiceField(
        label=_("Impact"),
        choices=Level.choices,
        initial=Level.MEDIUM,
        help_text=_("How much would break if the change went wrong?"),
    )
    likelihood = forms.ChoiceField(
        label=_("Likelihood"),
        choices=Level.choices,
        initial=Level.MEDIUM,
        help_text=_("How likely is it to go wrong?"),
    )
    tested = forms.BooleanField(label=_("Tested beforehand"), required=False)
    backout_tested = forms.BooleanField(label=_("Back-out tested"), required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    configuration_items = ItemsField(
        label=_("Configuration items"),
        queryset=configuration_items(),
        required=False,
        help_text=_("A configuration item brings its service along."),
    )
    implementation_plan = _text(_("Implementation plan"), rows=5)
    backout_plan = _text(
        _("Back-out plan"), rows=4, help_text=_("How the change is undone if it fails.")
    )
    test_plan = _text(_("Test plan"), rows=3, help_text=_("How you will know it worked."))
    planned_start = _moment(_("Window start"))
    planned_end = _moment(_("Window end"))
    implementer = PersonField(
        label=_("Implementer"),
        queryset=staff_people(),
        required=False,
        help_text=_("Who carries the change out."),
    )
    notify_customers = forms.BooleanField(
        label=_("Tell affected customers"),
        required=False,
        help_text=_("Mail the contacts of affected organisations when the change is scheduled."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("planned_start", "planned_end"):
            self.fields[name].help_text = _("Your time zone: %(zone)s") % {"zone": zone}

    @property
    def risk(self) -> Risk:
        """The risk the questionnaire's answers give now (as typed, valid or not yet)."""
        return risk_of({name: self[name].value() for name in QUESTIONS})

    def narrow_items(self, services: Iterable[Any]) -> None:
        """Offer the configuration items of the chosen services (and those chosen now)."""
        field = cast(forms.ModelMultipleChoiceField, self.fields["configuration_items"])
        chosen = [str(v) for v in self["configuration_items"].value() or []]
        field.queryset = configuration_items(services) | configuration_items().filter(
            pk__in=[v for v in chosen if v.isdigit()]
        )

    def keep_implementer(self, pk: int | None) -> None:
        field = cast(forms.ModelChoiceField, self.fields["implementer"])
        field.queryset = staff_people(pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, template = data.get("change_type"), data.get("template")
        if kind == ChangeType.STANDARD and template is None and "template" not in self.errors:
            self.add_error("template", _("Choose the template this standard change follows."))
        if template is not None and kind and kind != ChangeType.STANDARD:
            data["template"] = None  # only a standard change follows a template
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", _("The window must end after it starts."))
        elif bool(start) != bool(end):
            missing = "planned_end" if start else "planned_start"
            self.add_error(missing, _("Give the window's start and end."))
        return data

    def plan(self) -> dict[str, Any]:
        """The cleaned plan, as change_raise and change_update take it."""
        return {name: self.cleaned_data[name] for name in PLAN_NAMES if name in self.cleaned_data}


PLAN_NAMES = [name for name in PlanFields.base_fields]
QUESTIONS = ("impact", "likelihood", "tested", "backout_tested")


def risk_of(answers: dict[str, Any]) -> Risk:
    """The risk of the questionnaire's answers as sent (a missing or odd answer counts as
    medium, an unticked box as no)."""

    def level(value: Any) -> str:
        return value if value in Level.values else Level.MEDIUM

    def ticked(value: Any) -> bool:
        return value is True or value in ("on", "true", "1")

    return assess_risk(
        impact=level(answers.get("impact")),
        likelihood=level(answers.get("likelihood")),
        tested=ticked(answers.get("tested")),
        backout_tested=ticked(answers.get("backout_tested")),
    )


def template_prefill(template: StandardChangeTemplate) -> dict[str, Any]:
    """What a standard change from this template starts with."""
    return {
        "change_type": ChangeType.STANDARD,
        "template": template.pk,
        "title": template.name,
        "description": template.description,
        "reason": template.reason,
        "implementation_plan": template.implementation_plan,
        "backout_plan": template.backout_plan,
        "test_plan": template.test_plan,
        "services": [s.pk for s in template.services.all()],
        "tested": True,
        "backout_tested": True,
        **TEMPLATE_ANSWERS[Risk(template.risk)],
    }


class NumbersField(forms.CharField):
    """Record numbers, comma- or space-separated (PRB-000012, INC-000123), cleaned to the
    records; a number that names none is an error that names it."""

    def __init__(self, *, model: Any, missing: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.model = model
        self.missing = missing

    def clean(self, value: Any) -> list[Any]:
        text = super().clean(value) or ""
        numbers = list(dict.fromkeys(n.upper() for n in text.replace(",", " ").split() if n))
        if len(numbers) > MAX_NUMBERS:
            raise ValidationError(_("At most %(count)d numbers.") % {"count": MAX_NUMBERS})
        found = {r.number: r for r in self.model.objects.filter(number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise ValidationError(self.missing % {"numbers": ", ".join(unknown)})
        return [found[n] for n in numbers]


class NewChangeForm(PlanFields):
    """A new change, with the problems and incidents it answers."""

    problems = NumbersField(
        model=Problem,
        missing=_("No problem has the number %(numbers)s."),
        label=_("Problems it fixes"),
        help_text=_("Problem numbers, e.g. PRB-000012, separated by commas."),
    )
    incidents = NumbersField(
        model=Incident,
        missing=_("No incident has the number %(numbers)s."),
        label=_("Incidents it answers"),
        help_text=_("Ticket numbers, e.g. INC-000123, separated by commas."),
    )

    def links(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("services", "configuration_items", "problems", "incidents")
        }


class ChangeEditForm(PlanFields, VersionedForm[ChangeRequest]):
    """The plan of a change, edited until it goes to the CAB (changes.rules.may_edit)."""

    def fit_to(self, change: ChangeRequest) -> None:
        self.keep_implementer(change.implementer_id)

    @staticmethod
    def initial_for(change: ChangeRequest) -> dict[str, Any]:
        initial = {name: getattr(change, name) for name in PLAN_NAMES if name not in M2M}
        for name in ("planned_start", "planned_end"):  # as precise as the form shows them
            if initial[name] is not None:
                initial[name] = initial[name].replace(second=0, microsecond=0)
        return {
            **initial,
            "version": change.version,
            "template": change.template_id,
            "implementer": change.implementer_id,
            "services": [s.pk for s in change.services.all()],
            "configuration_items": [ci.pk for ci in change.configuration_items.all()],
        }

    def changes(self) -> dict[str, Any]:
        """The fields the user changed (against the change they were shown)."""
        names = [name for name in self.changed_data if name != "version"]
        if "change_type" in names and "template" not in names:
            names.append("template")  # leaving "standard" leaves the template
        return {name: self.cleaned_data[name] for name in names}


M2M = ("services", "configuration_items")


def raw_values(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound form, as an unbound form's initial values (to redraw it
    without its errors, e.g. after a template filled the gaps)."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def fill_from_template(values: dict[str, Any], template: StandardChangeTemplate) -> dict[str, Any]:
    """The template's plan where nothing was typed; it makes the change standard and
    answers the questionnaire as the template's risk says (answers always have a value,
    so "typed" cannot be told from the defaults there)."""
    filled = dict(values)
    for name, value in template_prefill(template).items():
        if name in ("change_type", "template", *QUESTIONS) or not filled.get(name):
            filled[name] = value
    return filled


# ----- the lifecycle's steps (changes/actions.py) -----------------------------------------


class StepForm(VersionedForm[ChangeRequest]):
    """A step that needs nothing but the version seen."""


class ReviseForm(VersionedForm[ChangeRequest]):
    reason = _text(_("What will be reworked"), help_text=_("Optional: recorded in the history."))


class StartImplementationForm(VersionedForm[ChangeRequest]):
    """Inside the approved window the step needs nothing; outside it (the change manager
    only, see changes/actions.py) it needs a reason."""

    override_reason = _text(
        _("Reason to start outside the window"),
        help_text=_("The approved window is not open now: say why the change starts anyway."),
    )

    def fit_to(self, change: ChangeRequest) -> None:
        if change.is_within_window():
            del self.fields["override_reason"]


class ReportForm(VersionedForm[ChangeRequest]):
    failure_report = _text(
        _("What happened"),
        rows=4,
        required=True,
        help_text=_("What went wrong and what was undone."),
    )


class CloseForm(VersionedForm[ChangeRequest]):
    review = _text(
        _("Post-implementation review"),
        rows=4,
        help_text=_("How it went, what was learned. An emergency change needs it to close."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "---------"), *Outcome.choices],
        required=False,
    )


class CancelForm(VersionedForm[ChangeRequest]):
    reason = _text(_("Why it is cancelled"), required=True)


# ----- links, and the CAB's decisions --------------------------------------------------------


class LinkForm(forms.Form):
    number = forms.CharField(
        label=_("Link a problem or incident"),
        max_length=20,
        help_text=_("Its number, e.g. PRB-000012 or INC-000123."),
    )

    def clean_number(self) -> Problem | Incident:
        number = self.cleaned_data["number"].strip().upper()
        found: Problem | Incident | None
        if number.startswith("PRB-"):
            found = Problem.objects.filter(number=number).first()
        else:
            found = Incident.objects.filter(number=number).first()
        if found is None:
            raise ValidationError(
                _("No problem or incident has the number %(number)s."), params={"number": number}
            )
        return found


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.APPROVED, _("Approve")), (Decision.REJECTED, _("Reject"))],
    )
    comment = _text(_("Comment"), rows=2, help_text=_("Required when you reject."))

    def __init__(self, *args: Any, key: Any = None, **kwargs: Any) -> None:
        """`key` tells apart the ids of several decision forms on one page."""
        if key is not None:
            kwargs.setdefault("auto_id", f"id_decide_{key}_%s")
        super().__init__(*args, **kwargs)
