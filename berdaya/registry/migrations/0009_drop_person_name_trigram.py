from django.db import migrations


def forwards(apps, schema_editor):
    # Name search reads its spellings from registry_person_name and its trigram index (0007);
    # the trigram index over every person's name is no longer read, only kept up to date on
    # every write of a person.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_name_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_person_name_trgm "
            "ON registry_person USING gin (name_norm gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_register_no_regency_index_on_postgres")]
    operations = [migrations.RunPython(forwards, backwards)]
