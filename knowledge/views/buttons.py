"""The lifecycle buttons of the article page. A button shows when the user may start its
transition now (knowledge.services.available_transitions); `run` calls its service, the
one place a button leads to its transition."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from knowledge import services
from knowledge.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Button:
    #: The transition (a method of Article) and the URL's last part.
    name: str
    label: "StrOrPromise"
    style: str = ""
    #: What the reason box asks; no box when empty (the button posts at once).
    reason_label: "StrOrPromise" = ""
    reason_required: bool = False


BUTTONS = (
    Button("submit", _("Submit for review"), "primary"),
    Button("publish", _("Publish"), "success"),
    Button(
        "send_back",
        _("Send back"),
        reason_label=_("What should change"),
        reason_required=True,
    ),
    Button("new_revision", _("Start a new revision")),
    Button("retire", _("Retire"), "danger", reason_label=_("Why (optional)")),
)


def buttons_for(article: Article, user: "User") -> list[Button]:
    names = services.available_transitions(article, user)
    return [button for button in BUTTONS if button.name in names]


def run(button: Button, article: Article, actor: "User", data: dict) -> Article:
    version, reason = data["version"], data["reason"]
    match button.name:
        case "submit":
            return services.article_submit(
                article=article, actor=actor, reason=reason, expected_version=version
            )
        case "publish":
            return services.article_publish(
                article=article, actor=actor, reason=reason, expected_version=version
            )
        case "send_back":
            return services.article_send_back(
                article=article, actor=actor, reason=reason, expected_version=version
            )
        case "new_revision":
            return services.article_new_revision(
                article=article, actor=actor, reason=reason, expected_version=version
            )
        case "retire":
            return services.article_retire(
                article=article, actor=actor, reason=reason, expected_version=version
            )
    raise Http404
