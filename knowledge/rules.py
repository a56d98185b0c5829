"""Who may do what to an article. The transitions' `permission=` callables and the
services use these, so the buttons a user will see and what the server accepts agree.

Staff with any role write articles (agents, and the problem and change managers whose
known errors and reviews become articles); only knowledge managers publish, retire and
edit what is in review or published. Contacts read published public articles."""

from servicedesk.roles import KNOWLEDGE_MANAGER, contact_of, has_role, is_staff_member


def is_knowledge_manager(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, KNOWLEDGE_MANAGER)


def may_write(user) -> bool:
    """Create articles and submit drafts: staff, never a contact."""
    return is_staff_member(user) and contact_of(user) is None


def may_see_internal(user) -> bool:
    """Internal articles and those not yet published: staff only."""
    return may_write(user)


def is_author(article, user) -> bool:
    return article.author_id is not None and article.author_id == getattr(user, "pk", None)


def may_edit(article, user) -> bool:
    """A draft is open to every writer; once in review or published, to knowledge managers
    (the author starts a new revision instead)."""
    if article.status == "draft":
        return may_write(user)
    return is_knowledge_manager(user)


# ----- the transitions' permissions: (article, user) -> bool ----------------------------


def can_submit(article, user) -> bool:
    return may_write(user)


def can_publish(article, user) -> bool:
    return is_knowledge_manager(user)


def can_send_back(article, user) -> bool:
    """The reviewer returns it; the author may withdraw their own submission."""
    return is_knowledge_manager(user) or (may_write(user) and is_author(article, user))


def can_retire(article, user) -> bool:
    return is_knowledge_manager(user)


def can_start_revision(article, user) -> bool:
    """Taking a published article back to draft takes it out of search until it is
    published again: its author or a knowledge manager decides that."""
    return is_knowledge_manager(user) or (may_write(user) and is_author(article, user))
