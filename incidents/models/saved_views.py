"""A ticket list's filter and sort saved under a name: for its owner, or shared with one
of the owner's support groups."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time


class SavedViewQuerySet(models.QuerySet["SavedView"]):
    def visible_to(self, user) -> "SavedViewQuerySet":
        """The user's own views and those shared with a group they belong to."""
        return self.filter(models.Q(owner=user) | models.Q(shared_with__members=user)).distinct()


class SavedView(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_ticket_views",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=80)
    #: The list's query string, as the filter form writes it (incidents/ticket_lists).
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    shared_with = models.ForeignKey(
        "servicedesk.SupportGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_ticket_views",
        verbose_name=_("shared with"),
        help_text=_("Members of this group see the view too."),
    )
    created_at = models.DateTimeField(_("created"), default=current_time, editable=False)
    history = HistoricalRecords()

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved ticket view")
        verbose_name_plural = _("saved ticket views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
