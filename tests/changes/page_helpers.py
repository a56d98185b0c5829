"""What the tests of the change's pages share: URLs, the htmx header, a change in a chosen
state raised by the shared cast's `l2` and moved by its `change_manager`."""

from django.urls import reverse

from changes.models import ChangeRequest, Status
from tests.changes.factories import ChangeFactory

HTMX = {"HX-Request": "true"}


def page_url(change: ChangeRequest) -> str:
    return reverse("changes:detail", args=[change.number])


def action_url(change: ChangeRequest, key: str) -> str:
    return reverse("changes:action", args=[change.number, key])


def url(name: str, change: ChangeRequest, *args) -> str:
    return reverse(f"changes:{name}", args=[change.number, *args])


def raised(requester, manager, status: str = Status.DRAFT, **kwargs) -> ChangeRequest:
    return ChangeFactory.create(requester=requester, actor=manager, status=status, **kwargs)


def fresh(change: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.get(pk=change.pk)


def body(response) -> str:
    return response.content.decode()


def error_of(html: str, field: str, *, auto_id: str = "id_%s") -> str:
    """The text of the error next to a field (its aria-describedby target), or ""."""
    marker = f'id="{auto_id % field}_error"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</div>", 1)[0]
