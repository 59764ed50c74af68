from django.db import migrations, models

# PostgreSQL only (models.ProposalCount says why). Statement-level triggers with transition
# tables: one INSERT of a few grouped rows per statement, however many proposals it touched.
# A key is (programme year, region, status, verdict, stale); verdict and stale are NULL for a
# proposal with no verification. Each trigger reads the other table as it stands, so the
# order in which a proposal and its verification are written or deleted does not matter.
COUNT_COLUMNS = "program_year_id, region_code, status, verdict, stale, n"

PROPOSALS = f"""
CREATE FUNCTION verification_count_proposals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
    SELECT p.program_year_id, p.region_id, p.status, v.verdict, v.stale, count(*)
    FROM new_rows p LEFT JOIN verification_verification v ON v.proposal_id = p.id
    GROUP BY 1, 2, 3, 4, 5;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
    SELECT p.program_year_id, p.region_id, p.status, v.verdict, v.stale, -count(*)
    FROM old_rows p LEFT JOIN verification_verification v ON v.proposal_id = p.id
    GROUP BY 1, 2, 3, 4, 5;
  ELSE
    -- Only the rows whose key moved: an edit of a name or an address counts nothing.
    INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
    SELECT k.program_year_id, k.region_id, k.status, v.verdict, v.stale, sum(k.n)
    FROM (
      SELECT o.id, o.program_year_id, o.region_id, o.status, -1 AS n
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE (o.program_year_id, o.region_id, o.status)
        IS DISTINCT FROM (w.program_year_id, w.region_id, w.status)
      UNION ALL
      SELECT w.id, w.program_year_id, w.region_id, w.status, 1
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE (o.program_year_id, o.region_id, o.status)
        IS DISTINCT FROM (w.program_year_id, w.region_id, w.status)
    ) k LEFT JOIN verification_verification v ON v.proposal_id = k.id
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(k.n) <> 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER verification_count_proposals_insert AFTER INSERT ON intake_proposal
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION verification_count_proposals();
CREATE TRIGGER verification_count_proposals_update AFTER UPDATE ON intake_proposal
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION verification_count_proposals();
CREATE TRIGGER verification_count_proposals_delete AFTER DELETE ON intake_proposal
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION verification_count_proposals();
"""

# A verification written moves its proposal from (NULL, NULL) to (verdict, stale); one deleted
# moves it back; an update is the deletion of the old row and the insertion of the new.
VERIFICATIONS = f"""
CREATE FUNCTION verification_count_verifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
    SELECT p.program_year_id, p.region_id, p.status, k.verdict, k.stale, sum(k.n)
    FROM (
      SELECT proposal_id, verdict, stale, 1 AS n FROM new_rows
      UNION ALL SELECT proposal_id, NULL::varchar, NULL::boolean, -1 FROM new_rows
    ) k JOIN intake_proposal p ON p.id = k.proposal_id
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(k.n) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
    SELECT p.program_year_id, p.region_id, p.status, k.verdict, k.stale, sum(k.n)
    FROM (
      SELECT proposal_id, verdict, stale, -1 AS n FROM old_rows
      UNION ALL SELECT proposal_id, NULL::varchar, NULL::boolean, 1 FROM old_rows
    ) k JOIN intake_proposal p ON p.id = k.proposal_id
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(k.n) <> 0;
  ELSE
    INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
    SELECT p.program_year_id, p.region_id, p.status, k.verdict, k.stale, sum(k.n)
    FROM (
      SELECT o.proposal_id, o.verdict, o.stale, -1 AS n
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE (o.proposal_id, o.verdict, o.stale) IS DISTINCT FROM (w.proposal_id, w.verdict, w.stale)
      UNION ALL
      SELECT o.proposal_id, NULL::varchar, NULL::boolean, 1
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE o.proposal_id IS DISTINCT FROM w.proposal_id
      UNION ALL
      SELECT w.proposal_id, NULL::varchar, NULL::boolean, -1
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE o.proposal_id IS DISTINCT FROM w.proposal_id
      UNION ALL
      SELECT w.proposal_id, w.verdict, w.stale, 1
      FROM old_rows o JOIN new_rows w ON w.id = o.id
      WHERE (o.proposal_id, o.verdict, o.stale) IS DISTINCT FROM (w.proposal_id, w.verdict, w.stale)
    ) k JOIN intake_proposal p ON p.id = k.proposal_id
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(k.n) <> 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER verification_count_verifications_insert AFTER INSERT ON verification_verification
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION verification_count_verifications();
CREATE TRIGGER verification_count_verifications_update AFTER UPDATE ON verification_verification
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION verification_count_verifications();
CREATE TRIGGER verification_count_verifications_delete AFTER DELETE ON verification_verification
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION verification_count_verifications();
"""

# What is there already, counted once.
FILL = f"""
INSERT INTO verification_proposalcount ({COUNT_COLUMNS})
SELECT p.program_year_id, p.region_id, p.status, v.verdict, v.stale, count(*)
FROM intake_proposal p LEFT JOIN verification_verification v ON v.proposal_id = p.id
GROUP BY 1, 2, 3, 4, 5
"""

DROP = """
DROP TRIGGER IF EXISTS verification_count_proposals_insert ON intake_proposal;
DROP TRIGGER IF EXISTS verification_count_proposals_update ON intake_proposal;
DROP TRIGGER IF EXISTS verification_count_proposals_delete ON intake_proposal;
DROP FUNCTION IF EXISTS verification_count_proposals();
DROP TRIGGER IF EXISTS verification_count_verifications_insert ON verification_verification;
DROP TRIGGER IF EXISTS verification_count_verifications_update ON verification_verification;
DROP TRIGGER IF EXISTS verification_count_verifications_delete ON verification_verification;
DROP FUNCTION IF EXISTS verification_count_verifications();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No proposal may change between the count and the triggers taking over.
        schema_editor.execute(
            "LOCK TABLE intake_proposal, verification_verification IN SHARE ROW EXCLUSIVE MODE"
        )
        schema_editor.execute(PROPOSALS)
        schema_editor.execute(VERIFICATIONS)
        schema_editor.execute(FILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_proposal_list_indexes"),
        ("verification", "0003_verification_institution"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProposalCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("program_year_id", models.IntegerField()),
                ("region_code", models.CharField(max_length=13)),
                ("status", models.CharField(max_length=20)),
                ("verdict", models.CharField(max_length=12, null=True)),
                ("stale", models.BooleanField(null=True)),
                ("n", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["program_year_id", "region_code"], name="proposal_counts")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
