import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from registry.models import Initiative
from tests.factories import InitiativeFactory

BEFORE = [("registry", "0010_initiative_search_suffixes")]
AFTER = [("registry", "0011_initiative_search_name")]


@pytest.mark.django_db(transaction=True)
def test_the_name_words_of_existing_initiatives_are_filled_from_their_search_text():
    InitiativeFactory(name="Épicerie du Lauragais")
    text = Initiative.objects.get().search_text
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    initiative = Initiative.objects.get()
    assert initiative.search_text == text
    assert initiative.search_name == "epicerie du lauragais"
