"""Fixtures of the whole suite: settings for speed and isolation, a user and a logged-in client
per role, and the seed data of fixtures/ (reference and demo), read once per test session."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client

from core.roles import ADMIN, AGENT, CURATOR, RETAILER
from recommendations.management.commands.setup_demo import fixture_models
from registry.models import Initiative
from registry.search import refresh_search_text
from tests.factories import role_group, user_with_role

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- users and clients by role -----------------------------------------------------------------
# The admin role: pytest-django's `admin_user` (extended below) and `admin_client`.


@pytest.fixture
def retailer(db):
    return user_with_role(RETAILER, username="retailer@example.org", email="retailer@example.org")


@pytest.fixture
def other_retailer(db):
    """A second retailer, for what one retailer must not see or change of another's."""
    return user_with_role(RETAILER, username="other@example.org", email="other@example.org")


@pytest.fixture
def agent(db):
    return user_with_role(AGENT, username="agent@example.org", email="agent@example.org")


@pytest.fixture
def curator(db):
    # Curators edit frameworks and measures in the admin site, hence staff.
    return user_with_role(
        CURATOR, username="curator@example.org", email="curator@example.org", is_staff=True
    )


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, also in the admin role group, like the demo's admin."""
    admin_user.groups.add(role_group(ADMIN))
    return admin_user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def retailer_client(retailer):
    return logged_in(retailer)


@pytest.fixture
def agent_client(agent):
    return logged_in(agent)


@pytest.fixture
def curator_client(curator):
    return logged_in(curator)


# --- seed data of fixtures/ ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def _seed_rows(django_db_setup, django_db_blocker):
    """The rows that `loaddata` writes for each fixture of REFERENCE_FIXTURES and DEMO_FIXTURES.

    Loaded once per session (the communes alone take seconds) in a transaction rolled back at
    once: the database stays empty for the tests that did not ask for these rows.
    """
    names = [*settings.REFERENCE_FIXTURES, *settings.DEMO_FIXTURES]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *names, verbosity=0)
        refresh_search_text(Initiative.objects.all())  # derived, as setup_demo does
        rows = {name: [_table_rows(table) for table in _tables(name)] for name in names}
        transaction.set_rollback(True)
    return rows


def _tables(fixture: str) -> list:
    """The models a fixture fills, and the tables of their many-to-many fields."""
    tables = []
    for model in fixture_models(fixture):
        tables.append(model)
        tables.extend(
            field.remote_field.through
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        )
    return tables


def _table_rows(model) -> tuple:
    """An INSERT statement for `model`'s table and its current rows, ready for the database."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
    params = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in values
    ]
    return model, sql, params


@pytest.fixture
def load_fixtures(db, _seed_rows):
    """`load_fixtures("departements", "reference")` writes what `loaddata` would, faster.

    The rows were read once per session (`_seed_rows`): a test pays for inserting them only, in
    its own transaction. As with `loaddata`, the fixtures a fixture refers to must be loaded too.
    """

    def load(*names: str) -> None:
        unknown = set(names) - _seed_rows.keys()
        if unknown:
            raise ValueError(f"Not a seed fixture: {', '.join(sorted(unknown))}")
        tables = [table for name in names for table in _seed_rows[name]]
        with connection.cursor() as cursor:
            for _model, sql, params in tables:
                cursor.executemany(sql, params)
            models = [model for model, _sql, _params in tables]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        connection.check_constraints(table_names=[m._meta.db_table for m in models])

    return load


@pytest.fixture
def reference_data(load_fixtures):
    """Départements, communes, reference lists, framework v1 and the measures (REFERENCE_FIXTURES)."""
    load_fixtures(*settings.REFERENCE_FIXTURES)


@pytest.fixture
def demo_data(load_fixtures):
    """The reference data and the 96 demo initiatives (DEMO_FIXTURES), as `setup_demo` loads."""
    load_fixtures(*settings.REFERENCE_FIXTURES, *settings.DEMO_FIXTURES)


@pytest.fixture
def framework_v1(load_fixtures):
    """Framework v1 as published (framework_v1.json), with the reference data it names."""
    from assessment.models import Framework

    load_fixtures("reference", "framework_v1")
    return Framework.objects.get(version=1)
