"""What the page shows of the root-cause analysis: the chain of whys, the fishbone's
bones with their causes and the timeline of events, each with the forms that edit it
when the user may (a form that was sent back with errors takes its row's place)."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django import forms

from problems.forms import CauseForm, EventForm, WhyForm
from problems.models import Cause, FishboneCategory, Problem, TimelineEvent, Why

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The fishbone's upper and lower bones, left to right.
UPPER = (FishboneCategory.PEOPLE, FishboneCategory.PROCESS, FishboneCategory.TECHNOLOGY)
LOWER = (FishboneCategory.ENVIRONMENT, FishboneCategory.SUPPLIERS, FishboneCategory.MONITORING)


@dataclass
class WhyRow:
    why: Why
    form: WhyForm | None


@dataclass
class Bone:
    category: str
    label: "StrOrPromise"
    causes: list[Cause] = field(default_factory=list)
    form: CauseForm | None = None

    @property
    def confirmed(self) -> int:
        return sum(cause.confirmed for cause in self.causes)


def why_key(pk: int | None) -> str:
    return f"why-{pk}" if pk else "why-new"


def cause_key(category: str) -> str:
    return f"cause-{category}"


EVENT_KEY = "event-new"


def rca_context(
    problem: Problem, *, editable: bool, sent: dict[str, forms.Form] | None = None
) -> dict:
    """The RCA's rows (three queries) and, if `editable`, their forms; `sent` holds the
    forms that came back with errors, by `why_key` / `cause_key` / EVENT_KEY."""
    sent = sent or {}
    whys = list(problem.whys.all())
    events: list[TimelineEvent] = list(problem.events.select_related("added_by"))
    bones = {c: Bone(c, label) for c, label in FishboneCategory.choices}
    for cause in problem.causes.all():
        bones[cause.category].causes.append(cause)
    if editable:
        for bone in bones.values():
            bone.form = sent.get(cause_key(bone.category)) or CauseForm(  # type: ignore[assignment]
                initial={"category": bone.category}, auto_id=f"id_cause_{bone.category}_%s"
            )
    return {
        "whys": [WhyRow(why, _why_form(why, sent) if editable else None) for why in whys],
        "why_form": (sent.get(why_key(None)) or WhyForm(auto_id="id_why_new_%s"))
        if editable
        else None,
        "upper_bones": [bones[c] for c in UPPER],
        "lower_bones": [bones[c] for c in LOWER],
        "causes_count": sum(len(bone.causes) for bone in bones.values()),
        "events": events,
        "event_form": (sent.get(EVENT_KEY) or EventForm(auto_id="id_event_%s"))
        if editable
        else None,
    }


def _why_form(why: Why, sent: dict[str, forms.Form]) -> WhyForm:
    return sent.get(why_key(why.pk)) or WhyForm(  # type: ignore[return-value]
        initial={"answer": why.answer}, auto_id=f"id_why_{why.pk}_%s"
    )
