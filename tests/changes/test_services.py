"""Raising and editing a change: templates, the risk questionnaire, who may edit when."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from changes import services
from changes.models import ChangeType, Risk, StandardChangeTemplate, Status, assess_risk
from tests.changes.factories import ChangeFactory
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def make_template(**kwargs) -> StandardChangeTemplate:
    template = StandardChangeTemplate.objects.create(
        name=kwargs.pop("name", "Renew a TLS certificate"),
        description="Replace the certificate on the load balancer.",
        implementation_plan="Upload, switch, check.",
        backout_plan="Switch back to the previous certificate.",
        test_plan="openssl s_client shows the new expiry.",
        **kwargs,
    )
    template.services.set([ServiceFactory.create(name="Web hosting")])
    return template


@pytest.mark.parametrize(
    ("impact", "likelihood", "tested", "backout_tested", "risk"),
    [
        ("low", "low", True, True, Risk.LOW),
        ("low", "low", False, True, Risk.LOW),
        ("low", "medium", False, True, Risk.MEDIUM),
        ("medium", "medium", True, True, Risk.MEDIUM),
        ("medium", "medium", False, True, Risk.MEDIUM),
        ("medium", "medium", False, False, Risk.HIGH),
        ("high", "high", True, True, Risk.HIGH),
        ("high", "low", True, True, Risk.MEDIUM),
    ],
)
def test_the_questionnaire_gives_the_risk(impact, likelihood, tested, backout_tested, risk):
    assert (
        assess_risk(
            impact=impact, likelihood=likelihood, tested=tested, backout_tested=backout_tested
        )
        == risk
    )


def test_the_risk_is_kept_up_to_date_on_every_save(l1):
    change = ChangeFactory(
        requester=l1, impact="low", likelihood="low", tested=True, backout_tested=True
    )
    assert change.risk == Risk.LOW
    services.change_update(change=change, actor=l1, impact="high", likelihood="high")
    change.refresh_from_db()
    assert change.risk == Risk.HIGH


def test_a_change_from_a_template_is_standard_and_prefilled(l1):
    template = make_template()
    change = services.change_raise(
        title="Renew shop.example certificate", template=template, actor=l1
    )
    assert change.number.startswith("CHG-")
    assert change.change_type == ChangeType.STANDARD
    assert change.backout_plan == template.backout_plan
    assert list(change.services.values_list("name", flat=True)) == ["Web hosting"]


def test_a_standard_change_needs_a_template(l1):
    with pytest.raises(ValidationError) as error:
        services.change_raise(title="Quick fix", change_type=ChangeType.STANDARD, actor=l1)
    assert "template" in error.value.message_dict


def test_contacts_and_users_without_a_role_cannot_raise_a_change(contact_a, outsider):
    for who in (contact_a, outsider):
        with pytest.raises(PermissionDenied):
            services.change_raise(title="Let me in", actor=who)


def test_the_requester_edits_their_draft_but_not_after_submission(l1, change_manager):
    change = ChangeFactory(requester=l1)
    services.change_update(change=change, actor=l1, title="Upgrade PostgreSQL to 16")
    services.change_submit(change=change, actor=l1)
    with pytest.raises(PermissionDenied):
        services.change_update(change=change, actor=l1, title="Something else")
    services.change_update(change=change, actor=change_manager, test_plan="pg_regress")
    change.refresh_from_db()
    assert (change.title, change.test_plan) == ("Upgrade PostgreSQL to 16", "pg_regress")


def test_nobody_edits_the_plan_once_the_cab_has_it(change_manager):
    change = ChangeFactory(status=Status.CAB_REVIEW)
    with pytest.raises(PermissionDenied):
        services.change_update(change=change, actor=change_manager, title="Sneaky")


def test_links_to_problems_and_incidents(l1):
    from tests.factories import IncidentFactory
    from tests.problems.factories import ProblemFactory

    problem = ProblemFactory()
    incident = IncidentFactory()
    change = ChangeFactory(requester=l1)
    services.change_link(change=change, actor=l1, problems=[problem], incidents=[incident])
    assert list(problem.changes.all()) == [change]
    assert list(incident.changes.all()) == [change]
    services.change_unlink(change=change, actor=l1, incidents=[incident])
    assert not incident.changes.exists()
