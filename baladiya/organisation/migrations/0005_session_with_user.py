"""Sessions move to organisation.Session, which names the signed-in user (one read per page).

The live sessions of Django's table are copied over with their user, so nobody is signed out
by the upgrade, and each copied row is deleted from the old table (nothing personal is left in
a table no longer read or cleaned); expired rows are deleted too. Run it with the web processes
of the previous release stopped: they still read and write the old table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's db session engine signs with its class's qualified name; fixed here so that later
# changes to the session store cannot change what this migration reads.
_SALT = "django.contrib.sessions.SessionStore"
_BATCH = 2000


def _user_id_of(session_data):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.serializers import JSONSerializer
    from django.core import signing

    try:
        data = signing.loads(session_data, salt=_SALT, serializer=JSONSerializer)
    except Exception:  # noqa: BLE001 - like Django's decode: an unreadable session is empty
        return None
    try:
        return int(data.get(SESSION_KEY)) if data.get(SESSION_KEY) is not None else None
    except (TypeError, ValueError):
        return None


def copy_live_sessions(apps, schema_editor):
    from django.utils import timezone

    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("organisation", "Session")
    User = apps.get_model("organisation", "User")
    now = timezone.now()

    def flush(rows):
        named = {user_id for _old, user_id in rows if user_id is not None}
        known = set(User.objects.filter(pk__in=named).values_list("pk", flat=True))
        New.objects.bulk_create(
            [
                New(
                    session_key=old.session_key,
                    session_data=old.session_data,
                    expire_date=old.expire_date,
                    user_id=user_id,
                )
                # A session naming a user deleted since signs nobody in: not copied.
                for old, user_id in rows
                if user_id is None or user_id in known
            ],
            ignore_conflicts=True,
        )
        Old.objects.filter(pk__in=[old.session_key for old, _u in rows]).delete()

    rows = []
    for old in Old.objects.filter(expire_date__gt=now).iterator(chunk_size=_BATCH):
        rows.append((old, _user_id_of(old.session_data)))
        if len(rows) >= _BATCH:
            flush(rows)
            rows = []
    if rows:
        flush(rows)
    Old.objects.filter(expire_date__lte=now).delete()


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
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
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
