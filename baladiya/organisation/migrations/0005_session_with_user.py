"""Sessions move to organisation.Session, which names the signed-in user (one read per page).

The live sessions of Django's table are copied over with their user, so nobody is signed out
by the upgrade; the old rows are then deleted (nothing personal is left behind in a table no
longer read or cleaned).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_live_sessions(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.utils import timezone

    from baladiya.organisation.sessions import SessionStore

    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("organisation", "Session")
    User = apps.get_model("organisation", "User")
    users = set(User.objects.values_list("pk", flat=True))
    batch = []
    live = Old.objects.filter(expire_date__gt=timezone.now())
    for old in live.iterator(chunk_size=2000):
        user_id = SessionStore().decode(old.session_data).get(SESSION_KEY)
        try:
            user_id = int(user_id) if user_id is not None else None
        except (TypeError, ValueError):
            user_id = None
        batch.append(
            New(
                session_key=old.session_key,
                session_data=old.session_data,
                expire_date=old.expire_date,
                user_id=user_id if user_id in users else None,
            )
        )
        if len(batch) >= 2000:
            New.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    New.objects.bulk_create(batch, ignore_conflicts=True)
    Old.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0004_user_message_channels'),
        ('sessions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Session',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'db_table': 'organisation_session',
                'abstract': False,
            },
        ),
        migrations.RunPython(copy_live_sessions, migrations.RunPython.noop, elidable=True),
    ]
