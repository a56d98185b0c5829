"""Portal fixtures: a service with its own request form, and tickets of organisation A
in the states a contact acts on."""

import re

import pytest

from servicedesk.models import ServiceFormField
from tests.factories import ContactFactory, ServiceFactory


@pytest.fixture
def service(db):
    """A catalogue service whose request form asks one question of every kind."""
    service = ServiceFactory(name="Virtual servers", portal_description="Managed VMs in Frankfurt.")
    kinds = ServiceFormField.Kind
    questions = [
        ("Hostname", kinds.TEXT, "", True),
        ("vCPUs", kinds.NUMBER, "", True),
        ("Wanted by", kinds.DATE, "", True),
        ("Environment", kinds.CHOICE, "Production\nStaging\n", True),
        ("Anything else", kinds.TEXTAREA, "", False),
    ]
    for order, (label, kind, choices, required) in enumerate(questions):
        service.form_fields.create(
            label=label, kind=kind, choices=choices, required=required, order=order
        )
    return service


@pytest.fixture
def other_service(db):
    return ServiceFactory(name="Email hosting")


def question(service, label: str) -> str:
    """The form field name of one of the service's questions."""
    return f"q_{service.form_fields.get(label=label).pk}"


def field_html(html: str, name: str) -> str:
    """The markup of one form field's block (input, help and errors)."""
    match = re.search(
        rf'<(div|fieldset)[^>]*id="field-{re.escape(name)}"[^>]*>(.*?)</\1>', html, re.DOTALL
    )
    assert match, f"no field {name} in the page"
    return match.group(0)


@pytest.fixture
def unauthorised_a(org_a):
    """The portal user of a contact of organisation A who may not open tickets."""
    return ContactFactory(
        organisation=org_a,
        name="Ursula Unauthorised",
        email="ursula@a.test",
        is_authorised=False,
        with_login=True,
        user__username="unauthorised_a",
    ).user
