"""Forms parse and validate what staff type on a problem's pages; problems/services
decide what happens."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from incidents.models import Category, Incident
from problems.models import FishboneCategory, Problem
from problems.quiet import QuietPeriod, quiet_period_of
from servicedesk.forms import VersionedForm
from servicedesk.models import ConfigurationItem, Service, SupportGroup
from servicedesk.models.priority import Priority
from servicedesk.people import display_name
from servicedesk.roles import L2_AGENT, L3_ENGINEER, PROBLEM_MANAGER

User = get_user_model()

TEXT_LENGTH = 500  # the RCA rows' texts (problems.services.rca)


def _text(label, *, rows: int = 3, required: bool = False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required,
        help_text=help_text,
    )


# ----- who may be named ------------------------------------------------------------------


def _people_in(*roles: str, also: int | None = None) -> QuerySet:
    """Active people with one of the roles (and `also`, whoever is named now), by name."""
    with_role = User.objects.filter(groups__name__in=roles).values("pk")
    wanted = Q(pk__in=with_role, is_active=True)
    if also is not None:
        wanted |= Q(pk=also)
    return User.objects.filter(wanted).order_by("first_name", "last_name", "pk")


def problem_managers(also: int | None = None) -> QuerySet:
    return _people_in(PROBLEM_MANAGER, also=also)


def investigators(also: int | None = None) -> QuerySet:
    """L2 and L3 staff: they lead a root-cause analysis."""
    return _people_in(L2_AGENT, L3_ENGINEER, also=also)


class PersonField(forms.ModelChoiceField):
    """People by full name, never by login."""

    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class ConfigurationItemField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.service.name})"


# ----- what defines a problem ---------------------------------------------------------------


class DefinitionFields(forms.Form):
    """What a problem manager says a problem is: shared by the new-problem page and the
    edit panel of the problem's page."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("Description"), rows=5, help_text=_("What happens, to whom, since when."))
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.MEDIUM
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), required=False
    )
    configuration_item = ConfigurationItemField(
        label=_("Configuration item"),
        queryset=ConfigurationItem.objects.filter(is_active=True)
        .select_related("service")
        .order_by("service__name", "name"),
        required=False,
    )
    owner = PersonField(
        label=_("Problem manager"),
        queryset=problem_managers(),
        required=False,
        help_text=_("Who is accountable for the problem."),
    )
    investigator = PersonField(
        label=_("Investigator"),
        queryset=investigators(),
        required=False,
        help_text=_("The L2 or L3 engineer leading the root-cause analysis."),
    )
    support_group = forms.ModelChoiceField(
        label=_("Support group"),
        queryset=SupportGroup.objects.filter(is_active=True).order_by("line", "name"),
        required=False,
    )

    def keep_people(self, *, owner: int | None, investigator: int | None) -> None:
        """Whoever is named now stays a valid choice, even without the role any more."""
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = problem_managers(owner)
        cast(forms.ModelChoiceField, self.fields["investigator"]).queryset = investigators(
            investigator
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        ci, service = data.get("configuration_item"), data.get("service")
        if ci and service and ci.service_id != service.pk:
            self.add_error(
                "configuration_item", _("This configuration item belongs to another service.")
            )
        return data


class IncidentNumbersField(forms.ModelMultipleChoiceField):
    """Incidents named by number (INC-000123), ticked to be linked."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Incident.objects.none(),
            to_field_name="number",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("No incident has the number %(value)s.")},
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.title}"

    def clean(self, value: Any) -> Any:
        return super().clean([str(number).strip().upper() for number in value or []])


class NewProblemForm(DefinitionFields):
    """A new problem, with the incidents it explains. `numbers`: the incidents the page
    was opened for (?incident=INC-000123, repeatable), offered ticked."""

    incidents = IncidentNumbersField(label=_("Incidents to link"))

    def __init__(
        self, *args: Any, numbers: Sequence[str] = (), me: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keep_people(owner=me, investigator=None)
        cast(IncidentNumbersField, self.fields["incidents"]).queryset = (
            Incident.objects.filter(number__in=[n.strip().upper() for n in numbers])
            .select_related("problem_link__problem")
            .order_by("number")
        )


class ProblemEditForm(VersionedForm[Problem], DefinitionFields):
    """A problem manager edits what defines the problem (problems.services.problem_update)."""

    permanent_fix = _text(
        _("Permanent fix"),
        help_text=_("What removed the cause for good, usually through a change."),
    )

    def fit_to(self, problem: Problem) -> None:
        self.keep_people(owner=problem.owner_id, investigator=problem.investigator_id)

    @staticmethod
    def initial_for(problem: Problem) -> dict[str, Any]:
        return {
            "version": problem.version,
            "title": problem.title,
            "description": problem.description,
            "priority": problem.priority,
            "service": problem.service_id,
            "configuration_item": problem.configuration_item_id,
            "category": problem.category,
            "owner": problem.owner_id,
            "investigator": problem.investigator_id,
            "support_group": problem.support_group_id,
            "permanent_fix": problem.permanent_fix,
        }

    def changes(self) -> dict[str, Any]:
        """The fields the user changed (against the problem they were shown)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class FindingsForm(VersionedForm[Problem]):
    """The investigation's findings as understood now (problems.services.problem_investigate)."""

    root_cause = _text(_("Root cause"), rows=4)
    workaround = _text(
        _("Workaround"),
        rows=4,
        help_text=_("What L1 does to restore service until the permanent fix is in."),
    )

    @staticmethod
    def initial_for(problem: Problem) -> dict[str, Any]:
        return {
            "version": problem.version,
            "root_cause": problem.root_cause,
            "workaround": problem.workaround,
        }


# ----- the lifecycle's steps (problems/actions.py) -----------------------------------------


class StartInvestigationForm(VersionedForm[Problem]):
    pass


class KnownErrorForm(VersionedForm[Problem]):
    root_cause = _text(_("Root cause"), rows=4)
    workaround = _text(
        _("Workaround"),
        rows=4,
        help_text=_("What L1 does to restore service until the permanent fix is in."),
    )


class ResolveForm(VersionedForm[Problem]):
    permanent_fix = _text(
        _("Permanent fix"),
        rows=4,
        help_text=_("What removed the cause for good, usually through a change."),
    )


class ReopenForm(VersionedForm[Problem]):
    reason = _text(_("What came back"), required=True)


class CloseForm(VersionedForm[Problem]):
    """Closing is free once the incidents stayed away for the quiet period; earlier it
    takes a reason. `quiet` says where the problem stands (None until resolved)."""

    override_reason = _text(
        _("Reason to close early"),
        help_text=_("Needed only while the quiet period is still running."),
    )
    quiet: QuietPeriod | None = None

    def fit_to(self, problem: Problem) -> None:
        self.quiet = quiet_period_of(problem)


class CancelForm(VersionedForm[Problem]):
    reason = _text(
        _("Why it is cancelled"),
        required=True,
        help_text=_("Not a problem after all, or a duplicate (name the other problem)."),
    )


# ----- the incidents it explains ---------------------------------------------------------------


class LinkIncidentForm(forms.Form):
    number = forms.CharField(
        label=_("Link an incident"),
        max_length=20,
        help_text=_("Its number, e.g. INC-000123."),
    )

    def clean_number(self) -> Incident:
        number = self.cleaned_data["number"].strip().upper()
        incident = (
            Incident.objects.select_related("problem_link__problem").filter(number=number).first()
        )
        if incident is None:
            raise ValidationError(
                _("No incident has the number %(number)s."), params={"number": number}
            )
        return incident


# ----- the root-cause analysis ---------------------------------------------------------------


class WhyForm(forms.Form):
    answer = forms.CharField(label=_("Because"), max_length=TEXT_LENGTH)


class CauseForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=FishboneCategory.choices, widget=forms.HiddenInput
    )
    text = forms.CharField(
        label=_("Possible cause"),
        max_length=TEXT_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("A possible cause")}),
    )


class CauseVerdictForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        choices=[("true", _("Confirmed")), ("false", _("Ruled out"))],
        coerce=lambda value: value == "true",
    )


class EventForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    text = forms.CharField(label=_("What happened"), max_length=TEXT_LENGTH)
