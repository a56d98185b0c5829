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

MAN = "salutation to a man"
WOMAN = "salutation to a woman"
MX = "salutation to a person addressed as Mx"
UNSTATED = "salutation to a person whose form of address is not given"


def _message(form: str, title: str) -> str:
    """The salutation message for one form of address and title, translated."""
    gendered = {Form.MR: MAN, Form.MS: WOMAN}
    context = gendered.get(form)
    if title == Title.DR:
        return pgettext(context or UNSTATED, "Dear Dr %(surname)s,")
    if title == Title.PROF:
        return pgettext(context or UNSTATED, "Dear Professor %(surname)s,")
    if form == Form.MR:
        return pgettext(MAN, "Dear Mr %(surname)s,")
    if form == Form.MS:
        return pgettext(WOMAN, "Dear Ms %(surname)s,")
    if form == Form.MX:
        return pgettext(MX, "Dear Mx %(surname)s,")
    return pgettext(UNSTATED, "Dear %(name)s,")


def contact_salutation(contact: Contact) -> str:
    """The opening line of a mail to the contact, in the active language."""
    name = " ".join(contact.name.split())
    surname = name.rpartition(" ")[2]
    return _message(contact.form_of_address, contact.title) % {"name": name, "surname": surname}
