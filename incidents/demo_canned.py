# ruff: noqa: RUF001
"""Demo canned responses: the Service Desk group's (one translated into German, French
and Russian, the demo contacts' languages), a network group's, and personal ones of the
L1 and L2 agents. Created through incidents.canned, so each has its history."""

from incidents.canned import canned_response_create
from servicedesk.demo import DemoData

#: (title, text, {language: translation}, group name or None, author login). A group's
#: responses are written by the service desk manager, personal ones by their owner.
RESPONSES: list[tuple[str, str, dict[str, str], str | None, str]] = [
    (
        "Password reset done",
        "{contact_salutation}\n\n"
        "We have reset the password as you asked in {ticket_number}. The new one comes in a "
        "separate mail; please change it when you first sign in.\n\n"
        "Kind regards,\n{agent_name}\nService Desk",
        {
            "de": "{contact_salutation}\n\n"
            "wie in {ticket_number} gewünscht, haben wir das Passwort zurückgesetzt. Das neue "
            "erhalten Sie mit einer separaten E-Mail; bitte ändern Sie es bei der ersten "
            "Anmeldung.\n\nMit freundlichen Grüßen\n{agent_name}\nService Desk",
            "fr": "{contact_salutation}\n\n"
            "Comme demandé dans {ticket_number}, nous avons réinitialisé le mot de passe. "
            "Vous recevrez le nouveau par un courriel séparé ; merci de le changer à la "
            "première connexion.\n\nCordialement,\n{agent_name}\nService Desk",
            "ru": "{contact_salutation}\n\n"
            "Как вы просили в {ticket_number}, мы сбросили пароль. Новый пароль придёт "
            "отдельным письмом; пожалуйста, смените его при первом входе.\n\n"
            "С уважением,\n{agent_name}\nService Desk",
        },
        "Service Desk",
        "desk-manager",
    ),
    (
        "More information needed",
        "{contact_salutation}\n\n"
        "To go on with {ticket_number} ({ticket_title}) we need a little more from you: "
        "since when does it happen, which servers or addresses are affected, and what "
        "error do you see?\n\nKind regards,\n{agent_name}\nService Desk",
        {},
        "Service Desk",
        "desk-manager",
    ),
    (
        "Network maintenance window",
        "{contact_salutation}\n\n"
        "The interruption in {ticket_number} falls in the announced network maintenance "
        "window of {organisation_name}'s data centre. Connectivity comes back when the "
        "window closes; we keep the ticket open until you confirm it.\n\n"
        "Kind regards,\n{agent_name}\nNetwork Operations",
        {},
        "Network Operations",
        "desk-manager",
    ),
    (
        "Could not reach you by phone",
        "{contact_salutation}\n\n"
        "I tried to call you about {ticket_number} but could not reach you. When would a "
        "short call suit you?\n\nBest regards,\n{agent_name}",
        {},
        None,
        "l1",
    ),
    (
        "Looking into it",
        "{contact_salutation}\n\n"
        "I have taken over {ticket_number} and am looking into it now. You will hear from "
        "me within the hour.\n\nBest regards,\n{agent_name}",
        {},
        None,
        "l2",
    ),
]


def seed(data: DemoData) -> None:
    for title, body, translations, group, author in RESPONSES:
        canned_response_create(
            title=title,
            body=body,
            translations=translations,
            group=data.groups[group] if group else None,
            actor=data.users[author],
        )
