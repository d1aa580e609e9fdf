# Issue 13: a search at 20,000 initiatives under 100 ms on PostgreSQL with the server's default
# planner settings. The trigram index of 0008 finds the rows that may contain a word, and every
# one of them is read again to check it (`search_text LIKE '%word%'`): for a word found in a
# third of the rows, that check is most of the request. This index is exact instead: a GIN index
# of every suffix of every word of the search text (up to 32 characters), so that "the text
# contains `chevre`" is "a suffix starts with `chevre`", the tsquery `'chevre':*`, which the
# index answers without the texts being read again (registry.search). The trigram index is
# dropped: nothing else reads it. SQLite keeps its FTS5 trigram index (0008), with the same
# results.

from django.db import migrations

TRIGRAM_INDEX = "registry_initiative_search_text_trgm"

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_search_suffixes(search_text text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    word text;
    suffixes text[] := '{}';
BEGIN
    -- The words of three characters or more, each from every position: "chevre", "hevre",
    -- "evre", "vre"; taken as they are (array_to_tsvector neither parses nor stems them).
    FOREACH word IN ARRAY string_to_array(search_text, ' ') LOOP
        FOR start_at IN 1 .. length(word) - 2 LOOP
            suffixes := suffixes || substr(word, start_at, 32);
        END LOOP;
    END LOOP;
    RETURN array_to_tsvector(suffixes);
END
$$
"""
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS registry_initiative_search_suffixes ON registry_initiative "
    "USING gin (registry_search_suffixes(search_text))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(CREATE_INDEX)
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON registry_initiative "
        "USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS registry_initiative_search_suffixes")
    schema_editor.execute("DROP FUNCTION IF EXISTS registry_search_suffixes(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_initiative_status_name_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
