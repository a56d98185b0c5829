"""Every offered language is complete, mail to a contact is written in the contact's
language, and the salutation keeps both the form of address and the academic title.

The catalogue tests read locale/<language>/LC_MESSAGES/django.po; the mail tests need
the compiled catalogues (`make messages`, which needs gettext)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from incidents import services
from servicedesk import roles
from servicedesk.models import Contact, Notification
from servicedesk.notifications import contact_salutation
from tests.factories import ContactFactory, IncidentFactory, SupportGroupFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
OFFERED = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in OFFERED if code != "en"]  # msgids are English
#: How many plural forms each language has (gettext's Plural-Forms header).
PLURAL_FORMS = {"de": 2, "fr": 2, "ru": 3}
NO_GETTEXT = "needs gettext's xgettext and msgmerge (apt-get install gettext)"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def incomplete(po: polib.POFile, language: str) -> list[str]:
    """The msgids of a catalogue that a reader would see in English."""
    missing = [entry.msgid for entry in po.untranslated_entries()]
    missing += [f"(fuzzy) {entry.msgid}" for entry in po.fuzzy_entries()]
    for entry in po.translated_entries():
        if entry.msgid_plural and (
            len(entry.msgstr_plural) != PLURAL_FORMS[language]
            or not all(entry.msgstr_plural.values())
        ):
            missing.append(f"(plural forms) {entry.msgid}")
    return missing


# ----- the offered languages ---------------------------------------------------------------


def test_the_desk_offers_english_german_french_and_russian():
    assert OFFERED == ["en", "de", "fr", "ru"]


def test_a_contact_may_choose_exactly_the_offered_languages():
    field = Contact._meta.get_field("language")
    assert [code for code, _name in field.choices] == OFFERED


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_offered_language_is_translated_completely(language):
    po = catalogue(language)
    nplurals = po.metadata["Plural-Forms"].split(";")[0].strip()
    assert nplurals == f"nplurals={PLURAL_FORMS[language]}"
    assert incomplete(po, language) == []
    assert po.percent_translated() == 100


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgmerge")), reason=NO_GETTEXT)
def test_the_catalogues_hold_every_string_of_the_source(tmp_path):
    """A string added to the code or a template without refreshing and translating the
    catalogues fails here (README, "Translations", says how to refresh them)."""
    copy = tmp_path / "src"
    skipped = shutil.ignore_patterns(
        ".*", "__pycache__", "*.mo", "*.sqlite3*", "*.egg-info", "staticfiles", "media", "var"
    )
    shutil.copytree(ROOT, copy, ignore=skipped)
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--verbosity=0"]
    command += [f"-l{language}" for language in TRANSLATED]
    command += ["--ignore=.venv", "--ignore=staticfiles", "--ignore=var"]
    subprocess.run(command, cwd=copy, check=True, capture_output=True, timeout=300)
    for language in TRANSLATED:
        po = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        assert incomplete(po, language) == [], f"{language}: strings need translating"


# ----- the salutation ----------------------------------------------------------------------

FORM = Contact.FormOfAddress
MS, MR, MX, NO_FORM = FORM.MS, FORM.MR, FORM.MX, FORM.NONE
DR, PROF, NO_TITLE = Contact.Title.DR, Contact.Title.PROF, Contact.Title.NONE

SALUTATIONS = {
    "en": {
        (MS, NO_TITLE): "Dear Ms Becker,",
        (MR, NO_TITLE): "Dear Mr Becker,",
        (MX, NO_TITLE): "Dear Mx Becker,",
        (NO_FORM, NO_TITLE): "Dear Jana Becker,",
        (MS, DR): "Dear Dr Becker,",
        (MR, DR): "Dear Dr Becker,",
        (MX, DR): "Dear Dr Becker,",
        (NO_FORM, DR): "Dear Dr Becker,",
        (MS, PROF): "Dear Professor Becker,",
        (MR, PROF): "Dear Professor Becker,",
        (MX, PROF): "Dear Professor Becker,",
        (NO_FORM, PROF): "Dear Professor Becker,",
    },
    "de": {
        (MS, NO_TITLE): "Sehr geehrte Frau Becker,",
        (MR, NO_TITLE): "Sehr geehrter Herr Becker,",
        (MX, NO_TITLE): "Guten Tag Jana Becker,",
        (NO_FORM, NO_TITLE): "Guten Tag Jana Becker,",
        (MS, DR): "Sehr geehrte Frau Dr. Becker,",
        (MR, DR): "Sehr geehrter Herr Dr. Becker,",
        (MX, DR): "Guten Tag Dr. Jana Becker,",
        (NO_FORM, DR): "Guten Tag Dr. Jana Becker,",
        (MS, PROF): "Sehr geehrte Frau Prof. Becker,",
        (MR, PROF): "Sehr geehrter Herr Prof. Becker,",
        (MX, PROF): "Guten Tag Prof. Jana Becker,",
        (NO_FORM, PROF): "Guten Tag Prof. Jana Becker,",
    },
    # French letters address "Madame" / "Monsieur" without the name; an academic title
    # is not used in the salutation.
    "fr": {
        (MS, NO_TITLE): "Madame,",
        (MR, NO_TITLE): "Monsieur,",
        (MX, NO_TITLE): "Bonjour Jana Becker,",
        (NO_FORM, NO_TITLE): "Bonjour Jana Becker,",
        (MS, DR): "Madame,",
        (MR, DR): "Monsieur,",
        (MX, DR): "Bonjour Jana Becker,",
        (NO_FORM, DR): "Bonjour Jana Becker,",
        (MS, PROF): "Madame,",
        (MR, PROF): "Monsieur,",
        (MX, PROF): "Bonjour Jana Becker,",
        (NO_FORM, PROF): "Bonjour Jana Becker,",
    },
    # Russian addresses people by name, with "Уважаемая" / "Уважаемый" by gender and a
    # neutral greeting when the gender is not given; no title in the salutation.
    "ru": {
        (MS, NO_TITLE): "Уважаемая Jana Becker!",
        (MR, NO_TITLE): "Уважаемый Jana Becker!",
        (MX, NO_TITLE): "Здравствуйте, Jana Becker!",
        (NO_FORM, NO_TITLE): "Здравствуйте, Jana Becker!",
        (MS, DR): "Уважаемая Jana Becker!",
        (MR, DR): "Уважаемый Jana Becker!",
        (MX, DR): "Здравствуйте, Jana Becker!",
        (NO_FORM, DR): "Здравствуйте, Jana Becker!",
        (MS, PROF): "Уважаемая Jana Becker!",
        (MR, PROF): "Уважаемый Jana Becker!",
        (MX, PROF): "Здравствуйте, Jana Becker!",
        (NO_FORM, PROF): "Здравствуйте, Jana Becker!",
    },
}


def test_the_salutation_table_covers_every_language_form_and_title():
    combinations = {(form, title) for form in Contact.FormOfAddress for title in Contact.Title}
    assert set(SALUTATIONS) == set(OFFERED)
    for table in SALUTATIONS.values():
        assert set(table) == combinations


@pytest.mark.parametrize(
    ("language", "form", "title", "expected"),
    [
        (language, form, title, expected)
        for language, table in SALUTATIONS.items()
        for (form, title), expected in table.items()
    ],
)
def test_the_salutation_keeps_form_of_address_and_title(language, form, title, expected):
    contact = Contact(name="Jana  Becker", form_of_address=form, title=title)
    with translation.override(language):
        assert contact_salutation(contact) == expected


def test_a_russian_salutation_uses_the_full_name():
    contact = Contact(name="Анна Иванова", form_of_address=MS, title=DR)
    with translation.override("ru"):
        assert contact_salutation(contact) == "Уважаемая Анна Иванова!"


# ----- mail in the contact's language ------------------------------------------------------


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def assigned_mail(committing, contact: Contact) -> Notification:
    """The mail telling the contact that the ticket was assigned."""
    with committing():
        incident = IncidentFactory.create(contact=contact, title="VPN")
        services.incident_assign(
            incident=incident,
            group=SupportGroupFactory.create(),
            actor=UserFactory.create(roles=[roles.DESK_MANAGER]),
        )
    return Notification.objects.filter(contact=contact, event="status_changed:assigned").get()


@pytest.mark.django_db
def test_a_french_contact_reads_the_status_change_in_french(committing, org_a):
    contact = ContactFactory(
        organisation=org_a, name="Claire Martin", language="fr", form_of_address=MS
    )
    mail = assigned_mail(committing, contact)
    assert mail.subject.endswith("Statut : Assigné – VPN"), (
        "French mail is not translated: compile the catalogues with `make messages`"
    )
    assert mail.body.startswith("Madame,\n")
    assert "Notre équipe d’assistance a pris en charge votre ticket." in mail.body
    assert "Votre service d’assistance" in mail.body
    assert "support team" not in mail.body


@pytest.mark.django_db
def test_a_russian_contact_reads_the_status_change_in_russian(committing, org_a):
    contact = ContactFactory(
        organisation=org_a, name="Анна Иванова", language="ru", form_of_address=MS, title=DR
    )
    mail = assigned_mail(committing, contact)
    assert mail.subject.endswith("Статус: Назначена – VPN"), (
        "Russian mail is not translated: compile the catalogues with `make messages`"
    )
    assert mail.body.startswith("Уважаемая Анна Иванова!\n")
    assert "Наша служба поддержки приняла вашу заявку в работу." in mail.body
    assert "support team" not in mail.body


@pytest.mark.django_db
def test_a_german_doctor_keeps_frau_in_the_mail(committing, org_a):
    contact = ContactFactory(
        organisation=org_a, name="Jana Becker", language="de", form_of_address=MS, title=DR
    )
    mail = assigned_mail(committing, contact)
    assert mail.body.startswith("Sehr geehrte Frau Dr. Becker,\n")
