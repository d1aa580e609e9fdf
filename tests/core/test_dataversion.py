"""The data version (core.dataversion): every write of the registry's data changes it, at once
and again when the transaction commits; nothing else does."""

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from core import dataversion
from tests.factories import InitiativeFactory, LabelFactory

pytestmark = pytest.mark.django_db


def test_stable_until_a_write():
    version = dataversion.current()
    assert dataversion.current() == version
    dataversion.bump()
    assert dataversion.current() != version


def test_a_lost_version_is_drawn_again(settings):
    from django.core.cache import cache

    version = dataversion.current()
    cache.delete(dataversion.CACHE_KEY)
    assert dataversion.current() not in ("", None, version)


def test_saves_deletes_and_links_of_registry_models_bump():
    before = dataversion.current()
    initiative = InitiativeFactory()
    after_save = dataversion.current()
    assert after_save != before
    initiative.labels.add(LabelFactory())
    after_link = dataversion.current()
    assert after_link != after_save
    initiative.delete()
    assert dataversion.current() != after_link


def test_other_models_do_not_bump():
    version = dataversion.current()
    User.objects.create_user("someone", password="x")
    assert dataversion.current() == version


def test_bumped_again_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        InitiativeFactory()
        InitiativeFactory()
        during = dataversion.current()
    # One callback for the whole transaction, however many rows it wrote.
    assert [c for c in callbacks if c is dataversion._store_new_version] == [
        dataversion._store_new_version
    ]
    assert dataversion.current() != during
