"""ApiToken moved from incidents to servicedesk without touching its tables: a database
migrated before the move keeps its tokens, their history and the admin's content type,
and the tokens still open the API."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from servicedesk import roles, tokens
from servicedesk.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import UserFactory

BEFORE_THE_MOVE = [("incidents", "0009_sla_flags"), ("servicedesk", "0007_notify_inbox")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_the_move_keep_working():
    user = UserFactory(roles=[roles.L1_AGENT])
    content_type = ContentType.objects.get_for_model(ApiToken)
    plaintext = "sdk_issued-before-the-move"

    old = migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE).apps
    assert ("servicedesk", "0008_api_token") not in (
        MigrationRecorder(connection).applied_migrations()
    )
    OldToken = old.get_model("incidents", "ApiToken")
    OldHistory = old.get_model("incidents", "HistoricalApiToken")
    token = OldToken.objects.create(
        name="Monitoring bridge",
        prefix=plaintext[:12],
        token_hash=tokens.hash_token(plaintext),
        user_id=user.pk,
    )
    OldHistory.objects.create(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        is_active=True,
        created_at=token.created_at,
        user_id=user.pk,
        history_date=timezone.now(),
        history_type="+",
    )
    migrate()
    ContentType.objects.clear_cache()

    moved = ApiToken.objects.get()
    assert (moved.pk, moved.name, moved.user_id) == (token.pk, "Monitoring bridge", user.pk)
    assert [entry.name for entry in moved.history.all()] == ["Monitoring bridge"]
    assert ContentType.objects.get_for_model(ApiToken).pk == content_type.pk
    assert ApiClient(plaintext).get("/api/v1/tickets").status_code == 200
