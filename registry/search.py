"""Word search of the public catalogue, the API and the measures (communes typed loosely and
distances: registry.communes).

Search. Each initiative stores `search_text`: the folded words (lower case, no accents, no
punctuation) of its name, then of its summary, description, commune, département, distribution
type, product families, labels and needs, the names in French and in English. A search folds the
words typed the same way and keeps the initiatives whose search text contains every one of them
(`search_text LIKE '%word%'`, one condition per word), so that several words may match different
fields ("épicerie vrac Albi"). An index answers it: on SQLite an FTS5 table with the trigram
tokenizer (migration 0008); on PostgreSQL a GIN index of every suffix of every word (migration
0010), where "contains `chevre`" is "has a suffix starting with `chevre`", `'chevre':*`, exact,
so that the rows found are not read again to check them. Name matches come first: the name's
words lead the search text, up to NAME_END, and are stored apart too (`search_name`, beside
the name in an index), so that ranking does not read every match's row.

The search text is derived data, written by refresh_search_text() only, which every write path
calls: registry.services (create_initiative, update_initiative, which the site, the API and the
admin use; save_reference and delete_references for the names of reference rows), `setup_demo`
after loading fixtures, and the `refresh_search_text` command for the rest (raw imports, a change
of what is searched).

Small tables (the measures) are searched with match_words() on an expression folded at query
time: the same words, the same rule. PostgreSQL folds accents with its `unaccent` extension
(migration 0002); SQLite gets a deterministic `UNACCENT` SQL function registered on every
connection (see apps.py), with the same behaviour for the accents and ligatures of French.
"""

import functools
import operator
import re
import unicodedata
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.models import BooleanField, Case, F, Func, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from core import dataversion

from .models import Commune, Departement, Initiative, InitiativeType, Label, Need, ProductCategory

# Characters that Unicode decomposition leaves alone but PostgreSQL's unaccent rules expand.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NOT_A_WORD = re.compile(r"[\W_]+")

MAX_SEARCH_WORDS = 8
# Shorter words ("de", "la", "l") need not match when longer ones are given, nor rank a name.
MIN_WORD_LENGTH = 3
# Ends the name's words in `search_text`; folding never leaves one in the words themselves.
NAME_END = "|"
# PostgreSQL's index holds the suffixes cut to this length (migration 0010): a longer word is
# looked up by its start, then checked in the text.
INDEXED_SUFFIX_LENGTH = 32
SEARCH_CHUNK_SIZE = 1000
# The names in both languages of what an initiative refers to: {relation: (name, name_en)}.
REFERENCE_NAMES = {
    "type": ("name", "name_en"),
    "products": ("name", "name_en"),
    "labels": ("name", "name_en"),
    "needs": ("name", "name_en"),
    "commune": ("name",),
    "departement": ("name",),
}
# The initiative's own fields in its search text (the name first).
OWN_FIELDS = ("name", "summary", "description")
# What changes an initiative's search text: its own fields and its references.
SEARCHED_FIELDS = frozenset({*OWN_FIELDS, *REFERENCE_NAMES})
# The reference models whose names are searched, and the initiative field that refers to them.
REFERENCE_MODELS = {
    InitiativeType: "type",
    ProductCategory: "products",
    Label: "labels",
    Need: "needs",
    Commune: "commune",
    Departement: "departement",
}


def fold_accents(value):
    """`value` without accents or ligatures ("Épicerie Ariège" → "Epicerie Ariege")."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LIGATURES)


@functools.cache
def _combining() -> dict:
    """Every combining character (accents…; all below U+20000), to delete with str.translate:
    fold() runs on every word of every initiative when search texts are refreshed in bulk."""
    return dict.fromkeys(cp for cp in range(0x20000) if unicodedata.combining(chr(cp)))


def fold(text) -> str:
    """Words of `text` in lower case, without accents or punctuation, one space apart
    ("L'Épicerie du Pré-Vert" → "l epicerie du pre vert"); as fold_accents() does, faster."""
    text = (text or "").lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_combining()).translate(_LIGATURES)
    return " ".join(_NOT_A_WORD.sub(" ", text).split())


@functools.lru_cache(maxsize=8192)
def _fold_name(name) -> str:
    """fold() of a reference name (type, product family, commune…), which many initiatives
    share."""
    return fold(name)


def register_sqlite_unaccent(sender, connection, **kwargs):
    """Give SQLite connections the UNACCENT() function that PostgreSQL has as an extension."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, fold_accents, deterministic=True)


class Unaccent(Func):
    function = "UNACCENT"
    output_field = TextField()


def search_words(text: str) -> list[str]:
    """The words of a free-text query, folded as the search texts are."""
    return fold(text).split()[:MAX_SEARCH_WORDS]


# --- The stored search text --------------------------------------------------------------------


def build_search_text(name: str, others, names=()) -> str:
    """The search text of an initiative called `name` whose other searched texts are `others`
    and `names` (of references, folded through a cache): the name's words, NAME_END, then each
    other word once."""
    name_words = fold(name).split()
    seen, rest = set(name_words), []
    folded = [*(fold(text) for text in others), *(_fold_name(text) for text in names)]
    for text in folded:
        for word in text.split():
            if word not in seen:
                seen.add(word)
                rest.append(word)
    return " ".join([*name_words, NAME_END, *rest])


def name_part(search_text: str) -> str:
    """The name's words of a search text (stored as `search_name`)."""
    return search_text.partition(NAME_END)[0].strip()


def _related_names(model, ids, using) -> dict[int, list[str]]:
    """{initiative id: the names of its products, labels and needs}, in a fixed order."""
    names = defaultdict(list)
    for relation in ("products", "labels", "needs"):
        descriptor = getattr(model, relation)
        target = descriptor.field.m2m_reverse_field_name()
        columns = [f"{target}__{column}" for column in REFERENCE_NAMES[relation]]
        rows = (
            descriptor.through.objects.using(using)
            .filter(initiative_id__in=ids)
            .order_by("initiative_id", target)
            .values_list("initiative_id", *columns)
        )
        for initiative_id, *texts in rows:
            names[initiative_id].extend(texts)
    return names


def refresh_search_text(queryset) -> int:
    """Recompute the search text (and name) of the initiatives of `queryset`; returns how many
    changed.

    For any number of rows: read in chunks of SEARCH_CHUNK_SIZE, 4 queries each, and only the
    rows whose text changed are written (`updated_at` and `version` stay as they are: nothing
    the owner typed changed; the data version moves, for cached answers). Works on the
    migrations' historical model too.
    """
    model, db = queryset.model, queryset.db
    rows_of = model._base_manager.using(db)
    ids = list(queryset.order_by().values_list("pk", flat=True).distinct())
    names = [
        f"{relation}__{name}"
        for relation in ("type", "commune", "departement")
        for name in REFERENCE_NAMES[relation]
    ]
    changed = 0
    for start in range(0, len(ids), SEARCH_CHUNK_SIZE):
        chunk = ids[start : start + SEARCH_CHUNK_SIZE]
        related = _related_names(model, chunk, db)
        stale = []
        rows = rows_of.filter(pk__in=chunk).values_list(
            "pk", "search_text", "search_name", *OWN_FIELDS, *names
        )
        for pk, current, current_name, name, *texts in rows:
            own, references = texts[: len(OWN_FIELDS) - 1], texts[len(OWN_FIELDS) - 1 :]
            text = build_search_text(name, own, [*references, *related.get(pk, ())])
            name_words = name_part(text)
            if text != current or name_words != current_name:
                stale.append(model(pk=pk, search_text=text, search_name=name_words))
        rows_of.bulk_update(stale, ["search_text", "search_name"], batch_size=500)
        changed += len(stale)
    if changed:
        # A bulk write, without signals: cached search results must not outlive it.
        dataversion.bump()
    return changed


def initiatives_referring_to(items):
    """The initiatives whose search text shows the name of one of `items` (reference rows of
    one model: types, product families, labels, needs, communes or départements); none for a
    model that is not searched."""
    items = list(items)
    field = REFERENCE_MODELS.get(type(items[0])) if items else None
    if field is None:
        return Initiative.objects.none()
    return Initiative.objects.filter(**{f"{field}__in": [item.pk for item in items]})


# --- SQLite's index ----------------------------------------------------------------------------

# An FTS5 table of the search texts with the trigram tokenizer (SQLite 3.34+): it finds the rows
# containing a string of three characters or more, as pg_trgm does for PostgreSQL. Its content
# is the initiative table's (external content), kept in step by triggers.
SQLITE_INDEX = "registry_initiative_fts"
_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE registry_initiative_fts USING fts5(search_text, "
    "content='registry_initiative', content_rowid='id', tokenize='trigram')"
)
_SQLITE_TRIGGERS = {
    "registry_initiative_fts_insert": """
        CREATE TRIGGER registry_initiative_fts_insert AFTER INSERT ON registry_initiative BEGIN
            INSERT INTO registry_initiative_fts(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
    "registry_initiative_fts_delete": """
        CREATE TRIGGER registry_initiative_fts_delete AFTER DELETE ON registry_initiative BEGIN
            INSERT INTO registry_initiative_fts(registry_initiative_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "registry_initiative_fts_update": """
        CREATE TRIGGER registry_initiative_fts_update
        AFTER UPDATE OF search_text ON registry_initiative BEGIN
            INSERT INTO registry_initiative_fts(registry_initiative_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO registry_initiative_fts(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
}
_SQLITE_REBUILD = "INSERT INTO registry_initiative_fts(registry_initiative_fts) VALUES ('rebuild')"
_SQLITE_MATCH = "SELECT rowid FROM registry_initiative_fts WHERE registry_initiative_fts MATCH %s"


def ensure_sqlite_index(connection) -> bool:
    """Create SQLite's search index and its triggers where they are missing, and rebuild it
    then; returns whether the index is usable. Run by migration 0008 and after every
    `migrate` (apps.py): when a migration rebuilds the initiative table, SQLite drops its
    triggers, and the index must be rebuilt from the rows. Without FTS5 or its trigram
    tokenizer (SQLite < 3.34) the search scans the column instead."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR name IN (%s, %s, %s)",
            [SQLITE_INDEX, *_SQLITE_TRIGGERS],
        )
        present = {name for (name,) in cursor.fetchall()}
        if {SQLITE_INDEX, *_SQLITE_TRIGGERS} <= present:
            return True
        if "registry_initiative" not in connection.introspection.table_names(cursor):
            return False
        # PRAGMA, not Django's introspection: its parser of the table's SQL fails on the
        # generated column (search_name).
        cursor.execute("PRAGMA table_info(registry_initiative)")
        if "search_text" not in {row[1] for row in cursor.fetchall()}:  # migrated back before 0008
            return False
        try:
            if SQLITE_INDEX not in present:
                cursor.execute(_SQLITE_TABLE)
        except OperationalError:  # no FTS5, or no trigram tokenizer
            return False
        for name, sql in _SQLITE_TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
        cursor.execute(_SQLITE_REBUILD)
    return True


def drop_sqlite_index(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_INDEX}")


def ensure_sqlite_index_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    ensure_sqlite_index(connections[using])


def sqlite_index_ready(connection) -> bool:
    """Whether `connection` is SQLite with its search index (asked once per connection, on the
    driver's own connection: not a query of the request's)."""
    if connection.vendor != "sqlite":
        return False
    if getattr(connection, "registry_search_index", False):
        return True
    connection.ensure_connection()
    found = connection.connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = ? OR name IN (?, ?, ?)",
        [SQLITE_INDEX, *_SQLITE_TRIGGERS],
    ).fetchone()[0] == 1 + len(_SQLITE_TRIGGERS)
    connection.registry_search_index = found  # only True is trusted: see above
    return found


# --- Searching ---------------------------------------------------------------------------------


def match_words(queryset, text: str, expression, *, extra: Q | None = None):
    """Rows of `queryset` where the folded `expression` contains every word of `text`, or that
    match `extra` (e.g. an exact code). For small tables: `expression` is folded per row."""
    words = search_words(text)
    if not words:
        return queryset
    queryset = queryset.alias(folded_text=Lower(Unaccent(expression)))
    condition = functools.reduce(operator.and_, (Q(folded_text__contains=w) for w in words))
    return queryset.filter(condition | extra if extra is not None else condition)


def search(queryset, text: str):
    """Initiatives whose search text contains every word of `text` (case, accents and
    punctuation ignored; see the module's docstring), the ones whose name contains the most
    words first (alias `name_rank`), then in the queryset's order."""
    words = search_words(text)
    if not words:
        return queryset
    queryset = _containing(queryset, words)
    ranked = [word for word in words if len(word) >= MIN_WORD_LENGTH] or words
    in_name = [
        Case(When(search_name__contains=word, then=Value(1)), default=Value(0))
        for word in dict.fromkeys(ranked)
    ]
    queryset = queryset.alias(
        name_rank=functools.reduce(operator.add, in_name) if len(in_name) > 1 else in_name[0]
    )
    existing = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.order_by(F("name_rank").desc(), *existing)


class _SuffixesMatch(Func):
    """PostgreSQL: `registry_search_suffixes(search_text) @@ 'word':* & …`, the expression of
    migration 0010's index; the query is a tsquery written out (the words are folded: letters
    and digits only, nothing to quote)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, words):
        query = " & ".join(f"'{word[:INDEXED_SUFFIX_LENGTH]}':*" for word in words)
        super().__init__(
            Func(F("search_text"), function="registry_search_suffixes"),
            Func(Value(query), template="CAST(%(expressions)s AS tsquery)"),
        )


def _containing(queryset, words: list[str]):
    """`queryset` where the search text contains every word, through the database's index (see
    the module's docstring). Words of one or two characters ("de", "l") are left out when
    longer ones are given: they are in nearly every text, and neither index finds them; alone,
    they are looked for in every text (`search_text LIKE '%de%'`)."""
    long_words = [word for word in words if len(word) >= MIN_WORD_LENGTH]
    connection = connections[queryset.db]
    if not long_words:
        checked = words
    elif connection.vendor == "postgresql":
        queryset = queryset.filter(_SuffixesMatch(long_words))
        # The index knows the start of a longer word only.
        checked = [word for word in long_words if len(word) > INDEXED_SUFFIX_LENGTH]
    elif sqlite_index_ready(connection):
        match = " AND ".join(f'"{word}"' for word in long_words)
        index = RawSQL(_SQLITE_MATCH, [match])  # nosec B611 # constant SQL, words as parameter
        return queryset.filter(pk__in=index)
    else:
        checked = long_words
    for word in checked:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def name_first(queryset, *ordering):
    """`queryset` in `ordering`, after the ranking of a search when there was one."""
    if "name_rank" in queryset.query.annotations:
        return queryset.order_by(F("name_rank").desc(), *ordering)
    return queryset.order_by(*ordering)
