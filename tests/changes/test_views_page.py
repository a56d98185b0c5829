"""What the change's page shows beyond its plan: the risk with the questionnaire's answers,
what the change's end was, and its history (one entry per step, the links set when it
was raised folded into "Raised")."""

import pytest

from changes import services
from changes.models import Status
from tests.changes.page_helpers import HTMX, body, raised, url
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_risk_comes_with_the_answers_behind_it(client, l1, l2, change_manager):
    change = raised(l2, change_manager, impact="high", likelihood="low", tested=True)
    client.force_login(l1)
    html = body(client.get(url("detail", change)))
    risk = html.split('id="risk-title"')[1].split("</section>")[0]
    assert 'data-risk="medium"' in risk
    assert "<dt>Impact</dt><dd>High</dd>" in risk and "<dt>Likelihood</dt><dd>Low</dd>" in risk
    assert "<dt>Tested beforehand</dt><dd>yes</dd>" in risk
    assert "<dt>Back-out tested</dt><dd>no</dd>" in risk


def test_the_page_answers_htmx_with_the_same_page(client, l1, l2, change_manager):
    change = raised(l2, change_manager)
    client.force_login(l1)
    response = client.get(url("detail", change), headers=HTMX)
    assert response.status_code == 200 and 'id="change"' in body(response)


def test_a_failed_change_shows_what_happened(client, l1, l2, change_manager):
    change = raised(l2, change_manager, Status.FAILED)
    client.force_login(l1)
    html = body(client.get(url("detail", change)))
    assert "data-failure>Node 2 did not boot" in html


def test_the_history_has_one_entry_per_step_with_links_folded_into_raised(
    client, l1, l2, change_manager
):
    web = ServiceFactory(name="Web hosting")
    change = raised(l2, change_manager, services=[web])
    services.change_update(change=change, actor=l2, title="Upgrade the web tier")
    services.change_submit(change=change, actor=l2)
    client.force_login(l1)
    history = body(client.get(url("detail", change))).split('id="history"')[1]
    assert history.count('class="entry ') == 3
    created = history.split('entry-created">')[1].split("</li>")[0]
    assert "services: <del>—</del> → <ins>Web hosting</ins>" in created
    assert "Plan edited" in history and "<ins>Upgrade the web tier</ins>" in history
    assert 'class="badge chg-submitted"' in history
