"""One ticket per submission, however often (or however fast) it is sent again.

A form carries a one-time token (`submission_field`), an API client sends an
`Idempotency-Key`. `incident_register(submission=…)` claims the key in the ticket's own
transaction, so the unique (scope, key) constraint decides a race: the loser's claim
fails once the winner commits, and the loser answers with the winner's ticket. A
request that fails (invalid input) rolls its claim back, so the key may be sent again."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, transaction

from incidents.intake.models import Submission
from incidents.models import Incident

KEY_MAX_LENGTH = 255


class KeyReused(Exception):
    """The key was used before for a different request."""


def new_token() -> str:
    return uuid.uuid4().hex


def submission_field() -> forms.CharField:
    """The hidden one-time token of a form that opens a ticket (fresh on every GET, kept
    when the form is shown again with errors)."""
    return forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=new_token
    )


def form_scope(user) -> str:
    return f"user:{user.pk}"


def fingerprint(payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class SubmissionKey:
    """Whose key (`scope`: a user, an API token), the key, and what was asked."""

    scope: str
    key: str
    digest: str = ""
    #: Set by claim(): True when the key had made a ticket before.
    replayed: bool = False
    _row: Submission | None = field(default=None, repr=False)

    def claim(self) -> Incident | None:
        """Claim the key inside the caller's transaction: None when it is new (then
        `attach` the ticket), else the ticket it made before. Raises KeyReused when
        that was for another request."""
        try:
            with transaction.atomic():
                self._row = Submission.objects.create(
                    scope=self.scope, key=self.key, fingerprint=self.digest
                )
        except IntegrityError:
            first = Submission.objects.select_related("incident").get(
                scope=self.scope, key=self.key
            )
            if first.fingerprint != self.digest:
                raise KeyReused from None
            self.replayed = True
            return first.incident
        return None

    def attach(self, incident: Incident) -> None:
        assert self._row is not None, "claim() first"
        self._row.incident = incident
        self._row.save(update_fields=["incident"])


def form_submission(user, token: str) -> SubmissionKey | None:
    """A form's token as a key of this user (none when the form sent no token)."""
    return SubmissionKey(scope=form_scope(user), key=token) if token else None
