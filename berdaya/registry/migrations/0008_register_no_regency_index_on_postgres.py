from django.db import migrations


def forwards(apps, schema_editor):
    # PostgreSQL: the register is no longer indexed by regency (register_sql.REGISTER_INDEXES
    # says why); SQLite keeps that index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_register_regency")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_register_regency "
            "ON registry_registerrecord (regency_code, present)"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_person_names")]
    operations = [migrations.RunPython(forwards, backwards)]
