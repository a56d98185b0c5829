"""Editing a change's plan in the panel of its page: who may while the change is where,
errors next to their field with what was typed kept, a stale edit refused plainly, and
the window typed in the reader's time zone."""

from datetime import UTC, datetime

import pytest

from changes import services
from changes.models import ChangeRequest, Status
from tests.changes.page_helpers import HTMX, body, error_of, fresh, raised, url
from tests.factories import ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _local(moment: datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _data(change: ChangeRequest, **changes) -> dict:
    data = {
        "version": change.version,
        "change_type": change.change_type,
        "template": change.template_id or "",
        "title": change.title,
        "description": change.description,
        "reason": change.reason,
        "impact": change.impact,
        "likelihood": change.likelihood,
        "implementation_plan": change.implementation_plan,
        "backout_plan": change.backout_plan,
        "test_plan": change.test_plan,
        "planned_start": _local(change.planned_start),
        "planned_end": _local(change.planned_end),
        "implementer": change.implementer_id or "",
        "services": [s.pk for s in change.services.all()],
        "configuration_items": [ci.pk for ci in change.configuration_items.all()],
    }
    for name in ("tested", "backout_tested", "notify_customers"):
        if getattr(change, name):
            data[name] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_edit_opens_in_the_panel_with_the_current_plan(client, l2, change_manager):
    change = raised(l2, change_manager)
    client.force_login(l2)
    response = client.get(url("edit", change), headers=HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#action-panel"
    html = body(response)
    assert f'value="{change.title}"' in html and 'data-panel="edit"' in html
    assert f'value="{_local(change.planned_start)}"' in html  # in the reader's time zone


def test_the_requester_changes_the_plan_and_the_risk_follows(client, l2, change_manager):
    change = raised(l2, change_manager)
    web = ServiceFactory(name="Web hosting")
    node = ConfigurationItemFactory(name="web-01")
    client.force_login(l2)
    response = client.post(
        url("edit", change),
        _data(
            change,
            title="Upgrade the web tier",
            impact="low",
            likelihood="low",
            tested="on",
            backout_tested="on",
            services=[web.pk],
            configuration_items=[node.pk],
        ),
        headers=HTMX,
    )
    assert response.status_code == 200 and "changeChanged" in response["HX-Trigger"]
    edited = fresh(change)
    assert edited.title == "Upgrade the web tier" and edited.risk == "low"
    assert set(edited.services.all()) == {web, node.service}  # the item brings its service
    html = body(response)
    assert 'data-risk="low"' in html and "Plan edited" in html


def test_nothing_changed_saves_nothing(client, l2, change_manager):
    change = raised(l2, change_manager)
    client.force_login(l2)
    response = client.post(url("edit", change), _data(change))
    assert response.status_code == 302
    assert fresh(change).version == change.version


def test_a_window_ending_before_it_starts_is_refused_next_to_its_end(client, l2, change_manager):
    change = raised(l2, change_manager)
    client.force_login(l2)
    response = client.post(
        url("edit", change),
        _data(
            change,
            title="Typed title",
            planned_start="2026-05-02T10:00",
            planned_end="2026-05-02T09:00",
        ),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = body(response)
    assert "must end after it starts" in error_of(html, "planned_end")
    assert 'value="Typed title"' in html and 'value="2026-05-02T09:00"' in html
    assert fresh(change).title != "Typed title"


def test_a_stale_edit_keeps_what_was_typed_and_saves_when_sent_again(client, l2, change_manager):
    change = raised(l2, change_manager)
    data = _data(change, title="My new title")
    services.change_update(change=change, actor=change_manager, reason="Changed meanwhile")
    client.force_login(l2)
    response = client.post(url("edit", change), data, headers=HTMX)
    assert response.status_code == 422
    html = body(response)
    assert "Someone else changed this change request" in html and 'value="My new title"' in html
    current = fresh(change)
    assert current.title != "My new title"
    assert f'name="version" value="{current.version}"' in html

    again = client.post(url("edit", change), {**data, "version": current.version})
    assert again.status_code == 302
    assert fresh(change).title == "My new title"


def test_the_window_is_read_in_the_readers_time_zone(client, l2, change_manager, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    change = raised(l2, change_manager)
    client.force_login(l2)
    response = client.post(
        url("edit", change),
        _data(change, planned_start="2026-05-02T10:00", planned_end="2026-05-02T12:00"),
    )
    assert response.status_code == 302
    edited = fresh(change)
    assert edited.planned_start == datetime(2026, 5, 2, 1, 0, tzinfo=UTC)
    page = body(client.get(response["Location"]))
    assert "Sat 02 May 2026 10:00" in page and "Asia/Tokyo" in page


@pytest.mark.parametrize(
    ("status", "who", "allowed"),
    [
        (Status.DRAFT, "requester", True),
        (Status.DRAFT, "manager", True),
        (Status.DRAFT, "other", False),
        (Status.SUBMITTED, "requester", False),
        (Status.ASSESSMENT, "manager", True),
        (Status.CAB_REVIEW, "manager", False),
    ],
)
def test_who_may_edit_when(client, l1, l2, change_manager, status, who, allowed):
    change = raised(l2, change_manager, status)
    user = {"requester": l2, "manager": change_manager, "other": l1}[who]
    client.force_login(user)
    page = body(client.get(url("detail", change)))
    assert ('data-action="edit"' in page) is allowed
    assert client.get(url("edit", change)).status_code == (200 if allowed else 403)
