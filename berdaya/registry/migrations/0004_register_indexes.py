from django.db import migrations

from berdaya.registry.register_sql import REGISTER_INDEXES


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in REGISTER_INDEXES(vendor).values():
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name in REGISTER_INDEXES(schema_editor.connection.vendor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_registerimport_registerrecord_registerstage")]
    operations = [migrations.RunPython(create, drop)]
