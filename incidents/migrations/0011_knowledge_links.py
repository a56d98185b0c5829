"""Knowledge on tickets (issue 9): the article a ticket was resolved with, and the articles
linked to a ticket."""

import django.db.models.deletion
import incidents.models.clock
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0010_api_token_moved'),
        ('knowledge', '0002_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalincident',
            name='resolved_with',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='knowledge.article', verbose_name='resolved with article'),
        ),
        migrations.AddField(
            model_name='incident',
            name='resolved_with',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='resolved_tickets', to='knowledge.article', verbose_name='resolved with article'),
        ),
        migrations.CreateModel(
            name='HistoricalTicketArticle',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('linked_at', models.DateTimeField(default=incidents.models.clock.current_time, editable=False, verbose_name='linked')),
                ('use_counted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='resolved the ticket')),
                ('history_change_reason', models.TextField(null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('article', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='knowledge.article', verbose_name='knowledge article')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('incident', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='incidents.incident', verbose_name='ticket')),
                ('linked_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='linked by')),
            ],
            options={
                'verbose_name': 'historical knowledge article of a ticket',
                'verbose_name_plural': 'historical knowledge articles of tickets',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='TicketArticle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('linked_at', models.DateTimeField(default=incidents.models.clock.current_time, editable=False, verbose_name='linked')),
                ('use_counted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='resolved the ticket')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ticket_links', to='knowledge.article', verbose_name='knowledge article')),
                ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='article_links', to='incidents.incident', verbose_name='ticket')),
                ('linked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='linked by')),
            ],
            options={
                'verbose_name': 'knowledge article of a ticket',
                'verbose_name_plural': 'knowledge articles of tickets',
                'ordering': ['linked_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('incident', 'article'), name='ticket_article_once')],
            },
        ),
    ]
