"""Before a contact raises a ticket: the service's public articles, and those matching the
summary as it is typed, each with "did this answer your question?". A yes records the
feedback and raises nothing; otherwise raising works exactly as before."""

import pytest
from django.urls import reverse

from incidents.models import Incident
from knowledge.models import ArticleFeedback, PortalDeflection, Status
from tests.knowledge.factories import ArticleFactory
from tests.portal.test_raise import valid_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(service, other_service, l2):
    def article(title, **kwargs):
        defaults = {"status": Status.PUBLISHED, "visibility": "public", "service": service}
        return ArticleFactory(author=l2, title=title, **{**defaults, **kwargs})

    return {
        "cpu": article("Add vCPUs to a virtual server", body="Shut down the VM, then resize."),
        "snapshot": article("Take a snapshot before an update"),
        "internal": article("Hypervisor vCPU overcommit", visibility="internal"),
        "draft": article("vCPUs draft", status=Status.DRAFT),
        "elsewhere": article("Mailbox vCPUs quota", service=other_service),
    }


def raise_page(client, service):
    return client.get(reverse("portal:raise", args=[service.pk])).content.decode()


def test_the_raise_page_offers_the_services_public_articles(client, contact_a, service, articles):
    client.force_login(contact_a)
    page = raise_page(client, service)
    assert f'data-article="{articles["cpu"].number}"' in page
    assert f'data-article="{articles["snapshot"].number}"' in page
    for hidden in ("internal", "draft", "elsewhere"):
        assert articles[hidden].number not in page
    assert "Shut down the VM, then resize." in page  # readable in place
    assert "Did this answer your question?" in page


def test_the_list_follows_the_summary_as_it_is_typed(client, contact_a, service, articles):
    client.force_login(contact_a)
    page = raise_page(client, service)
    assert 'hx-trigger="keyup changed delay:400ms from:#id_title' in page
    assert f'hx-get="{reverse("portal:kb_suggestions")}"' in page
    response = client.get(
        reverse("portal:kb_suggestions"),
        {"title": "more vcpus", "service": service.pk},
        headers={"HX-Request": "true"},
    )
    hits = response.content.decode()
    assert articles["cpu"].number in hits
    assert articles["snapshot"].number not in hits
    assert articles["elsewhere"].number not in hits


def test_without_javascript_a_refused_form_shows_what_matches_the_summary(
    client, contact_a, service, articles
):
    client.force_login(contact_a)
    response = client.post(
        reverse("portal:raise", args=[service.pk]), {"title": "Two more vCPUs", "kind": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f'data-article="{articles["cpu"].number}"' in page
    assert 'value="Two more vCPUs"' in page  # nothing typed is lost


def test_yes_records_the_feedback_and_raises_no_ticket(client, contact_a, service, articles):
    client.force_login(contact_a)
    response = client.post(
        reverse("portal:kb_feedback", args=[articles["cpu"].number]),
        {"helpful": "yes", "source": "raise"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(
        reverse("portal:kb_article", args=[articles["cpu"].number])
    )
    assert "no ticket was raised" in response.content.decode()
    feedback = ArticleFeedback.objects.get()
    assert (feedback.article, feedback.user, feedback.helpful) == (
        articles["cpu"],
        contact_a,
        True,
    )
    assert not Incident.objects.exists()
    deflection = PortalDeflection.objects.get()  # the desk manager's dashboard counts it
    assert (deflection.article, deflection.contact) == (articles["cpu"], contact_a.contact)


@pytest.mark.parametrize(
    "answer", [{"helpful": "no", "source": "raise"}, {"helpful": "yes", "source": ""}]
)
def test_only_a_yes_before_raising_counts_as_a_ticket_not_raised(
    client, contact_a, articles, answer
):
    """A no lets the contact go on with the form; a yes on the article's own page was no
    ticket about to be raised."""
    client.force_login(contact_a)
    client.post(reverse("portal:kb_feedback", args=[articles["cpu"].number]), answer)
    assert ArticleFeedback.objects.count() == 1
    assert not PortalDeflection.objects.exists()


def test_raising_works_as_before_without_answering(client, contact_a, service, articles):
    client.force_login(contact_a)
    response = client.post(reverse("portal:raise", args=[service.pk]), valid_post(service))
    assert response.status_code == 302
    assert Incident.objects.count() == 1
    assert not ArticleFeedback.objects.exists()


def test_the_answer_forms_sit_outside_the_ticket_form(client, contact_a, service, articles):
    """Forms cannot nest: the article's answer must not submit the ticket, nor the reverse."""
    client.force_login(contact_a)
    page = raise_page(client, service)
    deflection = page.index('class="kb-deflect"')
    ticket_form = page.index('class="raise-form"')
    assert deflection < ticket_form
    assert page.index("</section>", deflection) < ticket_form


def test_a_contact_who_may_not_raise_gets_no_prompt(client, unauthorised_a, service, articles):
    client.force_login(unauthorised_a)
    page = raise_page(client, service)
    assert "kb-deflect" not in page


def test_nothing_shows_for_a_service_without_public_articles(client, contact_a, other_service):
    client.force_login(contact_a)
    page = raise_page(client, other_service)
    assert 'id="kb-suggestions"' in page  # ready for what the contact types
    assert "kb-hit" not in page
