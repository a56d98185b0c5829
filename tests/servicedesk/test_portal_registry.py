"""The portal registry: apps add their portal pages (one portal: namespace) and panels on
the portal home from their AppConfig.ready(); the core lists no app."""

import pytest
from django.urls import reverse

from servicedesk import portal, portal_urls, workspaces
from servicedesk.workspaces import NavEntry
from tests.servicedesk import fake_portal_app

PANEL = "fake_app/panel.html"


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(portal, "_urlconfs", [])
    monkeypatch.setattr(portal, "_panels", [])
    monkeypatch.setattr(workspaces, "_nav", {})
    monkeypatch.setattr(workspaces, "_landing", {})
    monkeypatch.setattr(workspaces, "_default_landing", {})


@pytest.fixture
def panel_template(settings, tmp_path):
    """The fake app's panel template, on the template path for this test only."""
    (tmp_path / "fake_app").mkdir()
    (tmp_path / PANEL).write_text(
        '<section class="panel">{{ headline }} ({{ contact.name }})</section>', encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_an_apps_pages_join_the_one_portal_namespace(empty_registry):
    portal.register_pages("incidents.portal_urls")
    portal.register_pages("tests.servicedesk.fake_portal_app")
    portal.register_pages("tests.servicedesk.fake_portal_app")  # once only
    names = [pattern.name for pattern in portal.url_patterns()]
    assert names[-1] == "kb" and names.count("kb") == 1
    assert "home" in names and "catalogue" in names


def test_the_root_mounts_what_the_apps_registered():
    assert portal_urls.app_name == "portal"
    assert reverse("portal:home") == "/portal/"
    assert reverse("portal:catalogue") == "/portal/catalogue/"


@pytest.mark.django_db
def test_an_apps_pages_are_in_the_contacts_navigation(empty_registry, contact_a):
    kb = NavEntry("home", "Articles")
    portal.register_pages("tests.servicedesk.fake_portal_app", nav=[kb], landing=kb)
    assert workspaces.navigation_for(contact_a) == [kb]
    assert workspaces.landing_for(contact_a) == kb.url


@pytest.mark.django_db
def test_a_panel_registered_by_an_app_is_on_the_portal_home(
    monkeypatch, panel_template, client, contact_a
):
    monkeypatch.setattr(portal, "_panels", [])
    portal.register_home_panel(PANEL, fake_portal_app.panel_context)
    portal.register_home_panel(PANEL, fake_portal_app.panel_context)  # once only
    client.force_login(contact_a)
    page = client.get(reverse("portal:home")).content.decode()
    shown = f'<section class="panel">Articles for Organisation A ({contact_a.contact.name})'
    assert page.count(shown) == 1


@pytest.mark.django_db
def test_a_panel_with_nothing_for_the_contact_is_left_out(
    monkeypatch, panel_template, client, contact_a
):
    monkeypatch.setattr(portal, "_panels", [])
    portal.register_home_panel(PANEL, fake_portal_app.nothing_for_anyone)
    client.force_login(contact_a)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'class="panel"' not in page
    assert "portal-panels" not in page


@pytest.mark.django_db
def test_service_notices_are_shown_on_each_service_and_asked_for_once_per_request(
    monkeypatch, client, contact_a
):
    from django.test import RequestFactory

    from tests.factories import ServiceFactory

    monkeypatch.setattr(portal, "_service_notices", [])
    portal.register_service_notices(fake_portal_app.service_notices)
    portal.register_service_notices(fake_portal_app.service_notices)  # once only
    web = ServiceFactory(name="Web")
    ServiceFactory(name="Mail")
    fake_portal_app.service_notices.calls = 0
    client.force_login(contact_a)
    page = client.get(reverse("portal:catalogue")).content.decode()
    assert "<p class=notice>Busy Web</p>" in page and "<p class=notice>Busy Mail</p>" in page
    assert fake_portal_app.service_notices.calls == 1  # two cards, one question

    request = RequestFactory().get("/")
    contact = contact_a.contact
    assert portal.render_service_notices(request, contact, web.pk) == (
        "<p class=notice>Busy Web</p>"
    )
    assert portal.render_service_notices(request, contact, 0) == (
        "&lt;script&gt;not html&lt;/script&gt;"
    )
    assert portal.render_service_notices(request, contact, 999) == ""


def test_panels_show_by_weight_then_in_registration_order(monkeypatch):
    monkeypatch.setattr(portal, "_panels", [])

    def headline(text):
        return lambda request, contact: {"headline": text}

    second, third, first = headline("second"), headline("third"), headline("first")
    portal.register_home_panel(PANEL, second)
    portal.register_home_panel(PANEL, third, weight=5)
    portal.register_home_panel(PANEL, first, weight=-10)  # a disruption banner, say
    assert [panel.context for panel in portal._panels] == [first, second, third]
