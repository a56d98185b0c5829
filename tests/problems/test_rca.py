"""The structured root-cause analysis (problems/services/rca.py): the chain of whys, the
fishbone's causes and the timeline of events, written by L2/L3 staff and problem
managers while the problem is not finished, each row with its own history."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from problems import services
from problems.models import Cause, FishboneCategory, Problem, Status, TimelineEvent, Why
from problems.services.rca import MAX_WHYS
from tests.factories import UserFactory
from tests.problems.factories import ProblemFactory
from tests.problems.roles import EVERYONE, INVESTIGATORS

pytestmark = pytest.mark.django_db


def answers(problem: Problem) -> list[tuple[int, str]]:
    return list(problem.whys.values_list("position", "answer"))


def trail(row, pk: int | None = None) -> list[tuple[str, str, str]]:
    """(history type, who, why) of a row, oldest first; a deleted row by its old `pk`."""
    entries = type(row).history.filter(id=pk or row.pk).order_by("history_id")
    return [(e.history_type, e.history_user.username, e.history_change_reason) for e in entries]


@pytest.fixture
def problem() -> Problem:
    return ProblemFactory.create(status=Status.UNDER_INVESTIGATION)


class TestWhys:
    def test_whys_are_numbered_in_the_order_they_are_answered(self, problem, l3):
        for answer in ("The tunnel drops", "DPD gives up", "Firmware 9.1 defaults"):
            services.why_add(problem=problem, answer=answer, actor=l3)

        assert answers(problem) == [
            (1, "The tunnel drops"),
            (2, "DPD gives up"),
            (3, "Firmware 9.1 defaults"),
        ]
        assert trail(problem.whys.first()) == [("+", "l3", "Added")]

    def test_removing_a_why_moves_the_later_ones_up(self, problem, l2, l3):
        first, second, third, _fourth = (
            services.why_add(problem=problem, answer=text, actor=l2) for text in "ABCD"
        )

        removed = second.pk
        services.why_remove(why=second, actor=l3)

        assert answers(problem) == [(1, "A"), (2, "C"), (3, "D")]
        assert trail(second, removed)[-1] == ("-", "l3", "Removed")
        assert trail(third)[-1] == ("~", "l3", "Moved up")
        assert trail(first) == [("+", "l2", "Added")]
        services.why_add(problem=problem, answer="E", actor=l2)
        assert answers(problem)[-1] == (4, "E")

    def test_an_answer_is_rewritten_in_place(self, problem, l2, l3):
        why = services.why_add(problem=problem, answer="The disk fills", actor=l2)
        services.why_update(why=why, answer="  The /var disk fills ", actor=l3)

        assert answers(problem) == [(1, "The /var disk fills")]
        assert trail(why)[-1] == ("~", "l3", "Edited")

    def test_the_chain_stops_at_ten_whys(self, problem, l2):
        for n in range(MAX_WHYS):
            services.why_add(problem=problem, answer=f"Because {n}", actor=l2)

        with pytest.raises(ValidationError) as error:
            services.why_add(problem=problem, answer="One more", actor=l2)

        assert "answer" in error.value.message_dict
        assert problem.whys.count() == MAX_WHYS

    @pytest.mark.parametrize("answer", ["", "   ", "x" * 501])
    def test_an_empty_or_overlong_answer_is_refused(self, problem, l2, answer):
        with pytest.raises(ValidationError) as error:
            services.why_add(problem=problem, answer=answer, actor=l2)
        assert "answer" in error.value.message_dict
        why = services.why_add(problem=problem, answer="Fine", actor=l2)
        with pytest.raises(ValidationError):
            services.why_update(why=why, answer=answer, actor=l2)
        assert answers(problem) == [(1, "Fine")]

    def test_each_problem_numbers_its_own_chain(self, problem, l2):
        other = ProblemFactory()
        services.why_add(problem=problem, answer="A", actor=l2)
        services.why_add(problem=other, answer="B", actor=l2)
        assert answers(other) == [(1, "B")]


class TestCauses:
    @pytest.mark.parametrize("category", FishboneCategory.values)
    def test_a_cause_goes_on_one_of_the_fishbones_bones(self, problem, l3, category):
        cause = services.cause_add(problem=problem, category=category, text=" A cause ", actor=l3)

        cause.refresh_from_db()
        assert (cause.category, cause.text, cause.confirmed) == (category, "A cause", False)
        assert trail(cause) == [("+", "l3", "Added")]

    @pytest.mark.parametrize("category", ["", "weather", "People"])
    def test_a_cause_off_the_fishbone_is_refused(self, problem, l3, category):
        with pytest.raises(ValidationError) as error:
            services.cause_add(problem=problem, category=category, text="Rain", actor=l3)
        assert "category" in error.value.message_dict
        assert not Cause.objects.exists()

    def test_a_cause_needs_a_text(self, problem, l3):
        with pytest.raises(ValidationError) as error:
            services.cause_add(problem=problem, category="people", text=" ", actor=l3)
        assert "text" in error.value.message_dict

    def test_a_cause_is_confirmed_then_ruled_out_and_the_history_says_who(self, problem, l2, l3):
        cause = services.cause_add(
            problem=problem, category="environment", text="Noisy neighbours", actor=l2
        )

        services.cause_set_confirmed(cause=cause, confirmed=True, actor=l2)
        assert Cause.objects.get(pk=cause.pk).confirmed
        services.cause_set_confirmed(cause=cause, confirmed=False, actor=l3)

        assert not Cause.objects.get(pk=cause.pk).confirmed
        assert trail(cause) == [
            ("+", "l2", "Added"),
            ("~", "l2", "Confirmed"),
            ("~", "l3", "Ruled out"),
        ]

    def test_a_cause_is_removed_with_its_history_kept(self, problem, l3):
        cause = services.cause_add(problem=problem, category="process", text="No review", actor=l3)

        removed = cause.pk
        services.cause_remove(cause=cause, actor=l3)

        assert not problem.causes.exists()
        assert trail(cause, removed)[-1] == ("-", "l3", "Removed")


class TestEvents:
    def test_events_are_listed_in_the_order_they_happened(self, problem, l2, l3):
        now = timezone.now()
        late = services.event_add(problem=problem, occurred_at=now, text="Tunnel drops", actor=l2)
        early = services.event_add(
            problem=problem, occurred_at=now - timedelta(days=2), text="Firmware 9.1", actor=l3
        )

        assert list(problem.events.all()) == [early, late]
        assert (early.added_by, late.added_by) == (l3, l2)
        assert trail(early) == [("+", "l3", "Added")]

    def test_an_event_needs_a_text(self, problem, l2):
        with pytest.raises(ValidationError) as error:
            services.event_add(problem=problem, occurred_at=timezone.now(), text="", actor=l2)
        assert "text" in error.value.message_dict

    def test_an_event_is_removed_with_its_history_kept(self, problem, l2, l3):
        event = services.event_add(
            problem=problem, occurred_at=timezone.now(), text="Restarted", actor=l2
        )
        removed = event.pk
        services.event_remove(event=event, actor=l3)
        assert not TimelineEvent.objects.exists()
        assert trail(event, removed)[-1] == ("-", "l3", "Removed")


# ----- who may write the RCA, and when ------------------------------------------------------

WRITE: dict[str, Callable[..., object]] = {
    "why_add": lambda problem, actor: services.why_add(problem=problem, answer="A", actor=actor),
    "cause_add": lambda problem, actor: services.cause_add(
        problem=problem, category="technology", text="A", actor=actor
    ),
    "event_add": lambda problem, actor: services.event_add(
        problem=problem, occurred_at=timezone.now(), text="A", actor=actor
    ),
}


def existing_rows(problem: Problem, author) -> dict[str, Callable[..., object]]:
    """The changes to rows already written (by `author`), as callables taking an actor."""
    why = services.why_add(problem=problem, answer="Old", actor=author)
    cause = services.cause_add(problem=problem, category="people", text="Old", actor=author)
    event = services.event_add(
        problem=problem, occurred_at=timezone.now(), text="Old", actor=author
    )
    return {
        "why_update": lambda actor: services.why_update(why=why, answer="New", actor=actor),
        "why_remove": lambda actor: services.why_remove(why=why, actor=actor),
        "cause_set_confirmed": lambda actor: services.cause_set_confirmed(
            cause=cause, confirmed=True, actor=actor
        ),
        "cause_remove": lambda actor: services.cause_remove(cause=cause, actor=actor),
        "event_remove": lambda actor: services.event_remove(event=event, actor=actor),
    }


def rca_rows() -> tuple[int, int, int]:
    return Why.objects.count(), Cause.objects.count(), TimelineEvent.objects.count()


@pytest.mark.parametrize("role", EVERYONE)
@pytest.mark.parametrize("write", sorted(WRITE))
def test_only_engineers_and_the_problem_manager_write_the_rca(problem, actors, role, write):
    if role in INVESTIGATORS:
        WRITE[write](problem, actors[role])
        assert sum(rca_rows()) == 1
    else:
        with pytest.raises(PermissionDenied):
            WRITE[write](problem, actors[role])
        assert rca_rows() == (0, 0, 0)


@pytest.mark.parametrize("role", sorted(set(EVERYONE) - INVESTIGATORS))
def test_others_may_not_change_what_the_engineers_wrote(problem, actors, l3, role):
    changes = existing_rows(problem, l3)
    for name, change in changes.items():
        with pytest.raises(PermissionDenied):
            change(actors[role])
        assert rca_rows() == (1, 1, 1), name
    assert not Cause.objects.get().confirmed


def test_a_superuser_writes_the_rca(problem):
    root = UserFactory(username="root", is_superuser=True)
    for write in WRITE.values():
        write(problem, root)
    assert rca_rows() == (1, 1, 1)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_nobody_writes_the_rca_of_a_finished_problem(actors, status):
    """Also when the caller still holds the problem as it was before it finished."""
    problem = ProblemFactory.create(
        status=Status.UNDER_INVESTIGATION, actor=actors["problem_manager"]
    )
    changes = existing_rows(problem, actors["l3"])
    manager, elsewhere = actors["problem_manager"], Problem.objects.get(pk=problem.pk)
    if status == Status.CLOSED:
        services.problem_resolve(problem=elsewhere, actor=manager, permanent_fix="Upgraded")
        services.problem_close(problem=elsewhere, actor=manager, override_reason="Verified")
    else:
        services.problem_cancel(problem=elsewhere, actor=manager, reason="Duplicate")
    assert problem.status == Status.UNDER_INVESTIGATION  # what the caller still believes

    for role in ("l3", "problem_manager"):
        for write in WRITE.values():
            with pytest.raises(PermissionDenied):
                write(problem, actors[role])
        for name, change in changes.items():
            with pytest.raises(PermissionDenied):
                change(actors[role])
            assert rca_rows() == (1, 1, 1), name
    assert Why.objects.get().answer == "Old"
    assert not Cause.objects.get().confirmed
