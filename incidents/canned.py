"""Canned responses: texts an agent inserts into a public reply.

- Who: an agent (L1, L2, L3, the service desk manager) keeps personal responses, which
  nobody else sees; a support group's responses are shared with its members and managed
  by service desk managers (and in the Django admin).
- What: a title, a text with placeholders, and optional translations in the languages of
  settings.LANGUAGES. On a ticket the translation in the contact's language is used when
  there is one, else the default text.
- Placeholders (`PLACEHOLDERS`) are filled for the ticket and the agent; an unknown one is
  refused when the response is saved and left as it is when a response is rendered.

Selectors (`canned_responses_*`, `get_canned_response_for`) are scoped to who asks;
services (`canned_response_*`) check who acts and record it in the history.
"""

import re
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import CannedResponse, Incident
from incidents.models.canned import CannedResponseQuerySet
from servicedesk.language import offered
from servicedesk.models import SupportGroup
from servicedesk.people import display_name
from servicedesk.roles import is_agent, is_desk_manager
from servicedesk.salutation import contact_salutation
from servicedesk.workflow import record_history, save_with_history

#: A placeholder: a name in braces, spaces inside the braces allowed ("{ ticket_number }").
PLACEHOLDER = re.compile(r"\{\s*(\w+)\s*\}")

#: name → what it is filled with, as the form's help lists them.
PLACEHOLDERS: dict[str, str | Promise] = {
    "contact_salutation": gettext_lazy(
        "the contact's form of address in their language, e.g. “Dear Ms Becker,”"
    ),
    "contact_name": gettext_lazy("the contact's name"),
    "ticket_number": gettext_lazy("the ticket's number"),
    "ticket_title": gettext_lazy("the ticket's summary"),
    "organisation_name": gettext_lazy("the contact's organisation"),
    "agent_name": gettext_lazy("your name"),
}


def translation_field(language: str) -> str:
    """The form field (and error key) of a translation."""
    return f"translation_{language}"


def languages() -> list[tuple[str, str | Promise]]:
    """The languages a response may be translated into: those the desk offers."""
    return list(settings.LANGUAGES)


# ----- placeholders --------------------------------------------------------------------------


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in `text` that are not in PLACEHOLDERS, each once, in order."""
    unknown: list[str] = []
    for name in PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def _unknown_error(names: list[str]) -> str:
    return _("Unknown placeholder: %(names)s. Use %(known)s.") % {
        "names": ", ".join(f"{{{name}}}" for name in names),
        "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
    }


def check_texts(body: str, translations: Mapping[str, str]) -> dict[str, list[str]]:
    """Errors by field ("body", "translation_<language>"): unknown placeholders, and
    translations into a language the desk does not offer."""
    errors: dict[str, list[str]] = {}
    if unknown := unknown_placeholders(body):
        errors["body"] = [_unknown_error(unknown)]
    for language, text in translations.items():
        if not offered(language):
            errors.setdefault("body", []).append(
                _("%(language)s is not a language the desk offers.") % {"language": language}
            )
        elif unknown := unknown_placeholders(text):
            errors[translation_field(language)] = [_unknown_error(unknown)]
    return errors


def contact_language(incident: Incident) -> str:
    """The language the ticket's contact is written to in."""
    language = incident.contact.language
    return language if offered(language) else settings.LANGUAGE_CODE


def placeholder_values(*, incident: Incident, actor) -> dict[str, str]:
    """What each placeholder stands for on this ticket, written by `actor`."""
    contact = incident.contact
    with translation.override(contact_language(incident)):
        salutation = contact_salutation(contact)
    return {
        "contact_salutation": salutation,
        "contact_name": contact.name,
        "ticket_number": incident.number,
        "ticket_title": incident.title,
        "organisation_name": incident.organisation.name,
        "agent_name": display_name(actor),
    }


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders filled; an unknown one stays as it was written."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def canned_response_render(*, response: CannedResponse, incident: Incident, actor) -> str:
    """The response as the agent inserts it into a reply on this ticket: in the contact's
    language when translated into it, placeholders filled. Plain text."""
    text = response.text_in(contact_language(incident))
    return fill(text, placeholder_values(incident=incident, actor=actor)).strip()


def renderer(*, incident: Incident, actor) -> Callable[[CannedResponse], str]:
    """canned_response_render for many responses on one ticket (the values once)."""
    language = contact_language(incident)
    values = placeholder_values(incident=incident, actor=actor)
    return lambda response: fill(response.text_in(language), values).strip()


# ----- who sees what -------------------------------------------------------------------------


def _member_groups(user) -> Q:
    return Q(group__in=SupportGroup.objects.filter(members=user, is_active=True).values("pk"))


def canned_responses_usable_by(user) -> CannedResponseQuerySet:
    """What an agent may insert into a reply: their own responses and those of the active
    support groups they belong to, by title."""
    if not is_agent(user):
        return CannedResponse.objects.none()
    rows = CannedResponse.objects.filter(Q(owner=user) | _member_groups(user))
    return rows.select_related("group").order_by("title", "pk")


def canned_responses_listed_for(user) -> CannedResponseQuerySet:
    """The management page: the agent's own responses, and the groups' responses they
    may see (every group's for a service desk manager, else their own groups')."""
    if not is_agent(user):
        return CannedResponse.objects.none()
    shared = Q(group__isnull=False) if is_desk_manager(user) else _member_groups(user)
    rows = CannedResponse.objects.filter(Q(owner=user) | shared)
    return rows.select_related("group").order_by("group__line", "group__name", "title", "pk")


def may_manage(user, response: CannedResponse) -> bool:
    """Personal responses by their owner, the groups' by service desk managers."""
    if response.is_personal:
        return response.owner_id == user.pk
    return is_desk_manager(user)


def get_canned_response_for(user, pk: int, *, manage: bool = False) -> CannedResponse:
    """The response if the user may see it (404 otherwise: another agent's personal one,
    a group's they are not in); with `manage`, 403 if they may see but not change it."""
    response = canned_responses_listed_for(user).filter(pk=pk).first()
    if response is None:
        raise Http404
    if manage and not may_manage(user, response):
        raise PermissionDenied
    return response


def get_usable_canned_response_for(user, pk: int) -> CannedResponse:
    """A response the agent may insert into a reply, or 404."""
    response = canned_responses_usable_by(user).filter(pk=pk).first()
    if response is None:
        raise Http404
    return response


def shareable_groups(user):
    """The groups a user may share a response with: every active group for a service desk
    manager, none for anyone else."""
    if not is_desk_manager(user):
        return SupportGroup.objects.none()
    return SupportGroup.objects.filter(is_active=True).order_by("line", "name")


# ----- changing them --------------------------------------------------------------------------


def _check(
    actor, *, group: SupportGroup | None, body: str, translations: Mapping[str, str]
) -> None:
    if not is_agent(actor):
        raise PermissionDenied
    if group is not None and not is_desk_manager(actor):
        raise PermissionDenied
    if errors := check_texts(body, translations):
        raise ValidationError(errors)


def _clean_translations(translations: Mapping[str, str]) -> dict[str, str]:
    return {language: text.strip() for language, text in translations.items() if text.strip()}


def canned_response_create(
    *,
    title: str,
    body: str,
    translations: Mapping[str, str],
    group: SupportGroup | None = None,
    actor,
) -> CannedResponse:
    """A personal response of `actor`, or (service desk managers only) `group`'s."""
    translations = _clean_translations(translations)
    _check(actor, group=group, body=body, translations=translations)
    response = CannedResponse(
        title=title.strip(),
        body=body.strip(),
        translations=translations,
        owner=None if group is not None else actor,
        group=group,
    )
    with transaction.atomic():
        save_with_history(response, actor=actor, reason=_("Canned response created"))
    return response


def canned_response_update(
    *,
    response: CannedResponse,
    title: str,
    body: str,
    translations: Mapping[str, str],
    group: SupportGroup | None = None,
    actor,
) -> CannedResponse:
    """New texts; a service desk manager may also share it with another group, or make
    a group's response their own personal one (`group` None)."""
    if not may_manage(actor, response):
        raise PermissionDenied
    if not is_desk_manager(actor):
        group = response.group  # only desk managers move responses between scopes
    translations = _clean_translations(translations)
    _check(actor, group=group, body=body, translations=translations)
    response.title = title.strip()
    response.body = body.strip()
    response.translations = translations
    if group != response.group:
        response.group = group
        response.owner = None if group is not None else actor
    with transaction.atomic():
        save_with_history(response, actor=actor, reason=_("Canned response changed"))
    return response


def canned_response_delete(*, response: CannedResponse, actor) -> None:
    if not may_manage(actor, response):
        raise PermissionDenied
    with transaction.atomic():
        record_history(response, actor=actor, reason=_("Canned response deleted"))
        response.delete()
