from django.db import migrations, models

# Name search on PostgreSQL looks for spellings among the register's distinct normalised names
# (tens of thousands), not among its people (a million): a trigram match over every person
# rechecked each one of thousands that share a common name. The table is kept complete by
# statement triggers, whatever writes people (services, loads, SQL), in the writer's own
# transaction, so a new name is searchable as soon as its person is. A name whose people are
# gone stays behind and finds no one.
FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE registry_person_name (name_norm varchar(150) PRIMARY KEY)",
    "INSERT INTO registry_person_name SELECT DISTINCT name_norm FROM registry_person",
    "CREATE INDEX registry_person_name_trgm_idx ON registry_person_name "
    "USING gin (name_norm gin_trgm_ops)",
    """CREATE FUNCTION registry_person_name_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO registry_person_name (name_norm)
        SELECT DISTINCT name_norm FROM written_people
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER registry_person_name_insert AFTER INSERT ON registry_person "
    "REFERENCING NEW TABLE AS written_people FOR EACH STATEMENT "
    "EXECUTE FUNCTION registry_person_name_add()",
    "CREATE TRIGGER registry_person_name_update AFTER UPDATE ON registry_person "
    "REFERENCING NEW TABLE AS written_people FOR EACH STATEMENT "
    "EXECUTE FUNCTION registry_person_name_add()",
]

BACKWARDS = [
    "DROP TRIGGER IF EXISTS registry_person_name_update ON registry_person",
    "DROP TRIGGER IF EXISTS registry_person_name_insert ON registry_person",
    "DROP FUNCTION IF EXISTS registry_person_name_add()",
    "DROP TABLE IF EXISTS registry_person_name",
]


def forwards(apps, schema_editor):
    # SQLite searches names without an index (see registry.selectors.name_search).
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_institution")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["name_norm", "regency", "name", "id"], name="person_name_search"
            ),
        ),
    ]
