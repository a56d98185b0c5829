"""How a mail to a contact opens, in the active language: the form of address, the
academic title and the name.

Each (form of address, title) pair is a message of its own, so that every language can
write it its own way (tests/servicedesk/test_i18n.py lists them all):

- English: "Dear Ms Becker,", "Dear Dr Becker," for anyone with a doctorate, "Dear Jana
  Becker," when no form of address is given.
- German: "Sehr geehrte Frau Dr. Becker," / "Sehr geehrter Herr Prof. Becker,"; without
  Herr or Frau the neutral "Guten Tag Dr. Jana Becker,".
- French: "Madame," / "Monsieur," without name or title, as French letters do;
  otherwise "Bonjour Jana Becker,".
- Russian addresses people by name and not by Mr/Ms or an academic title:
  "Уважаемая Анна Иванова!" / "Уважаемый …!" by gender, "Здравствуйте, …!" without one.
  (The contact's name is used as stored; a patronymic, if wanted, belongs in it.)

Messages get `%(name)s` (the full name) and `%(surname)s` (its last word); a
translation uses whichever its language needs.
"""

from django.utils.translation import pgettext

from servicedesk.models import Contact

Form = Contact.FormOfAddress
Title = Contact.Title

# The message contexts tell translators whom the line addresses (xgettext needs them as
# literals in each call). A translation may leave out %(name)s or %(surname)s ("Madame,"),
# which gettext's python-format check forbids: hence the no-python-format markers.


def _doctor(form: str) -> str:
    if form == Form.MR:
        # xgettext:no-python-format
        return pgettext("salutation to a man", "Dear Dr %(surname)s,")
    if form == Form.MS:
        # xgettext:no-python-format
        return pgettext("salutation to a woman", "Dear Dr %(surname)s,")
    # xgettext:no-python-format
    return pgettext("salutation, gender not given", "Dear Dr %(surname)s,")


def _professor(form: str) -> str:
    if form == Form.MR:
        # xgettext:no-python-format
        return pgettext("salutation to a man", "Dear Professor %(surname)s,")
    if form == Form.MS:
        # xgettext:no-python-format
        return pgettext("salutation to a woman", "Dear Professor %(surname)s,")
    # xgettext:no-python-format
    return pgettext("salutation, gender not given", "Dear Professor %(surname)s,")


def _plain(form: str) -> str:
    if form == Form.MR:
        # xgettext:no-python-format
        return pgettext("salutation to a man", "Dear Mr %(surname)s,")
    if form == Form.MS:
        # xgettext:no-python-format
        return pgettext("salutation to a woman", "Dear Ms %(surname)s,")
    if form == Form.MX:
        # xgettext:no-python-format
        return pgettext("salutation to a person addressed as Mx", "Dear Mx %(surname)s,")
    # xgettext:no-python-format
    return pgettext("salutation, gender not given", "Dear %(name)s,")


def _message(form: str, title: str) -> str:
    """The salutation message for one form of address and title, translated."""
    if title == Title.DR:
        return _doctor(form)
    if title == Title.PROF:
        return _professor(form)
    return _plain(form)


def contact_salutation(contact: Contact) -> str:
    """The opening line of a mail to the contact, in the active language."""
    name = " ".join(contact.name.split())
    surname = name.rpartition(" ")[2]
    return _message(contact.form_of_address, contact.title) % {"name": name, "surname": surname}
