from django.db import migrations, models

# PostgreSQL only (models.PersonCount says why): statement-level triggers with transition
# tables, one INSERT of a row per regency/city a statement touched, however many people.
PEOPLE = """
CREATE FUNCTION registry_count_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO registry_personcount (regency_code, n)
    SELECT regency_id, count(*) FROM new_rows GROUP BY 1;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO registry_personcount (regency_code, n)
    SELECT regency_id, -count(*) FROM old_rows GROUP BY 1;
  ELSE
    -- Only people who moved to another regency/city: most updates count nothing.
    INSERT INTO registry_personcount (regency_code, n)
    SELECT regency_id, sum(n) FROM (
      SELECT o.regency_id, -1 AS n FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE o.regency_id <> w.regency_id
      UNION ALL
      SELECT w.regency_id, 1 FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE o.regency_id <> w.regency_id
    ) moved GROUP BY 1 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER registry_count_people_insert AFTER INSERT ON registry_person
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION registry_count_people();
CREATE TRIGGER registry_count_people_update AFTER UPDATE ON registry_person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION registry_count_people();
CREATE TRIGGER registry_count_people_delete AFTER DELETE ON registry_person
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION registry_count_people();
"""

FILL = "INSERT INTO registry_personcount (regency_code, n) SELECT regency_id, count(*) FROM registry_person GROUP BY 1"

DROP = """
DROP TRIGGER IF EXISTS registry_count_people_insert ON registry_person;
DROP TRIGGER IF EXISTS registry_count_people_update ON registry_person;
DROP TRIGGER IF EXISTS registry_count_people_delete ON registry_person;
DROP FUNCTION IF EXISTS registry_count_people();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No person may be added or removed between the count and the triggers taking over.
        schema_editor.execute("LOCK TABLE registry_person IN SHARE ROW EXCLUSIVE MODE")
        schema_editor.execute(PEOPLE)
        schema_editor.execute(FILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_drop_person_name_trigram")]

    operations = [
        migrations.CreateModel(
            name="PersonCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("regency_code", models.CharField(max_length=13)),
                ("n", models.IntegerField()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
