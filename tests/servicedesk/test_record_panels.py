"""The record-panel registry: later apps put panels on an earlier app's record page
(servicedesk/panels.py) without the page, or the core, knowing them."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.html import format_html

from servicedesk import panels


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(panels, "_panels", {})


@pytest.fixture
def request_():
    return RequestFactory().get("/")


def heading(text: str):
    return lambda request, record: format_html("<h2>{} {}</h2>", text, record)


def test_a_slot_renders_its_panels_for_the_record(empty_registry, request_):
    panels.register_panel("incidents.ticket", heading("Problem of"))
    html = panels.render_panels("incidents.ticket", request_, "INC-000001")
    assert html == "<h2>Problem of INC-000001</h2>"


def test_a_slot_without_panels_renders_nothing(empty_registry, request_):
    panels.register_panel("incidents.ticket", heading("Problem"))
    assert panels.render_panels("knowledge.article", request_, "KB-000001") == ""


def test_panels_come_in_weight_order_then_in_registration_order(empty_registry, request_):
    panels.register_panel("s", heading("second"))
    panels.register_panel("s", heading("third"), weight=5)
    panels.register_panel("s", heading("first"), weight=-1)
    panels.register_panel("s", heading("also second"))
    html = panels.render_panels("s", request_, "x")
    order = ["first", "second", "also second", "third"]
    positions = [html.index(f"<h2>{name} x</h2>") for name in order]
    assert positions == sorted(positions)


def test_registering_the_same_panel_again_shows_it_once(empty_registry, request_):
    render = heading("Once")
    panels.register_panel("s", render)
    panels.register_panel("s", render, weight=3)
    assert panels.render_panels("s", request_, "x") == "<h2>Once x</h2>"
    assert len(panels.panels_for("s")) == 1


def test_a_panel_that_returns_plain_text_is_escaped(empty_registry, request_):
    panels.register_panel("s", lambda request, record: "<script>alert(1)</script>")
    assert panels.render_panels("s", request_, "x") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_panel_that_shows_nothing_leaves_nothing(empty_registry, request_):
    panels.register_panel("s", lambda request, record: "")
    panels.register_panel("s", heading("Shown"))
    assert panels.render_panels("s", request_, "x") == "<h2>Shown x</h2>"


def test_the_panel_is_given_the_request_and_the_record(empty_registry, request_):
    seen = []
    panels.register_panel("s", lambda request, record: seen.append((request, record)) or "")
    panels.render_panels("s", request_, "record")
    assert seen == [(request_, "record")]


def test_the_template_tag_renders_the_slot_with_the_pages_request(empty_registry, request_):
    panels.register_panel(
        "incidents.ticket",
        lambda request, record: format_html("<p>{} asked about {}</p>", request.path, record),
    )
    template = Template('{% load record_panels %}{% record_panels "incidents.ticket" ticket %}')
    html = template.render(Context({"request": request_, "ticket": "INC-000007"}))
    assert html == "<p>/ asked about INC-000007</p>"


def test_the_template_tag_renders_nothing_without_a_request(empty_registry):
    panels.register_panel("s", heading("Never"))
    template = Template('{% load record_panels %}{% record_panels "s" ticket %}')
    assert template.render(Context({"ticket": "x"})) == ""


def test_the_pages_name_their_slots():
    """The ticket page and the staff article page offer their slots to later apps."""
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates")
    ticket = (templates / "incidents/detail.html").read_text(encoding="utf-8")
    article = (templates / "knowledge/detail.html").read_text(encoding="utf-8")
    assert '{% record_panels "incidents.ticket" incident %}' in ticket
    assert '{% record_panels "knowledge.article" article %}' in article
