"""Major incidents: the flag, the parent link (renamed from major_incident), the major
incident manager, the outage window, and the public update log."""

import django.db.models.deletion
import incidents.models.clock
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0012_recent_index'),
        ('knowledge', '0002_search'),
        ('servicedesk', '0008_api_token'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The parent link was there from the start (as major_incident): renamed, not remade.
        migrations.RenameField(model_name="incident", old_name="major_incident", new_name="parent"),
        migrations.RenameField(
            model_name="historicalincident", old_name="major_incident", new_name="parent"
        ),
        migrations.CreateModel(
            name='HistoricalMajorIncidentUpdate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(verbose_name='text')),
                ('posted_at', models.DateTimeField(default=incidents.models.clock.current_time, editable=False, verbose_name='posted')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical major incident update',
                'verbose_name_plural': 'historical major incident updates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='MajorIncidentUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='text')),
                ('posted_at', models.DateTimeField(default=incidents.models.clock.current_time, editable=False, verbose_name='posted')),
            ],
            options={
                'verbose_name': 'major incident update',
                'verbose_name_plural': 'major incident updates',
                'ordering': ['-posted_at', '-pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='incident',
            options={'ordering': ['priority', 'id'], 'permissions': [('declare_major', 'Can declare a major incident')], 'verbose_name': 'ticket', 'verbose_name_plural': 'tickets'},
        ),
        migrations.AddField(
            model_name='historicalincident',
            name='is_major',
            field=models.BooleanField(default=False, verbose_name='major incident'),
        ),
        migrations.AddField(
            model_name='historicalincident',
            name='major_manager',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='major incident manager'),
        ),
        migrations.AddField(
            model_name='historicalincident',
            name='outage_ended_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='outage ended'),
        ),
        migrations.AddField(
            model_name='historicalincident',
            name='outage_started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='outage started'),
        ),
        migrations.AddField(
            model_name='incident',
            name='is_major',
            field=models.BooleanField(default=False, verbose_name='major incident'),
        ),
        migrations.AddField(
            model_name='incident',
            name='major_manager',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='managed_major_incidents', to=settings.AUTH_USER_MODEL, verbose_name='major incident manager'),
        ),
        migrations.AddField(
            model_name='incident',
            name='outage_ended_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='outage ended'),
        ),
        migrations.AddField(
            model_name='incident',
            name='outage_started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='outage started'),
        ),
        migrations.AlterField(
            model_name='historicalincident',
            name='parent',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='incidents.incident', verbose_name='part of major incident'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='incidents.incident', verbose_name='part of major incident'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('is_major', True)), fields=['service', 'status'], name='inc_major_service'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(fields=['service', 'registered_at'], name='inc_service_registered'),
        ),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(('is_major', False), ('parent__isnull', True), _connector='OR'), name='inc_major_is_no_child'),
        ),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(('outage_ended_at__isnull', True), models.Q(('outage_ended_at__gte', models.F('outage_started_at')), ('outage_started_at__isnull', False)), _connector='OR'), name='inc_outage_ends_after_start'),
        ),
        migrations.AddField(
            model_name='historicalmajorincidentupdate',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalmajorincidentupdate',
            name='incident',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='incidents.incident', verbose_name='major incident'),
        ),
        migrations.AddField(
            model_name='historicalmajorincidentupdate',
            name='posted_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='posted by'),
        ),
        migrations.AddField(
            model_name='majorincidentupdate',
            name='incident',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='major_updates', to='incidents.incident', verbose_name='major incident'),
        ),
        migrations.AddField(
            model_name='majorincidentupdate',
            name='posted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='posted by'),
        ),
        migrations.AddIndex(
            model_name='majorincidentupdate',
            index=models.Index(fields=['incident', 'posted_at'], name='inc_major_update_log'),
        ),
    ]
