import pytest


@pytest.fixture
def reference(load_fixtures):
    """The registry's reference data (needs, Pacte, types) and the measures catalogue."""
    load_fixtures("reference", "measures")
