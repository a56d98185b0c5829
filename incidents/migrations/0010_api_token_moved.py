"""ApiToken moved to the core (servicedesk 0008): incidents forgets the model; its tables
and rows stay as they are, now servicedesk's. The admin's content types (and with them
the permissions granted on API tokens and the admin's log) follow the model."""

from django.db import migrations

MODELS = ("apitoken", "historicalapitoken")


def move_content_types(apps, schema_editor, source, target):
    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(
        schema_editor.connection.alias
    )
    for model in MODELS:
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "incidents", "servicedesk")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "servicedesk", "incidents")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("incidents", "0009_sla_flags"),
        ("servicedesk", "0008_api_token"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="apitoken",
                    name="apitoken_user_xor_contact",
                ),
                migrations.RemoveField(model_name="apitoken", name="contact"),
                migrations.RemoveField(model_name="apitoken", name="user"),
                migrations.DeleteModel(name="HistoricalApiToken"),
                migrations.DeleteModel(name="ApiToken"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
