"""Staff roles as groups, and the default urgency × impact priority matrix."""

from django.db import migrations

ROLES = [
    "L1 agent",
    "L2 agent",
    "L3 engineer",
    "Service desk manager",
    "Problem manager",
    "Change manager",
    "CAB member",
    "Knowledge manager",
]


def create_roles_and_matrix(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    Entry = apps.get_model("servicedesk", "PriorityMatrixEntry")
    for urgency in range(1, 6):
        for impact in range(1, 6):
            Entry.objects.get_or_create(
                urgency=urgency, impact=impact, defaults={"priority": (urgency + impact) // 2}
            )


def remove_roles_and_matrix(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
    apps.get_model("servicedesk", "PriorityMatrixEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles_and_matrix, remove_roles_and_matrix)]
