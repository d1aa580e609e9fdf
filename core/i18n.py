"""The active language, for content stored in French with an optional English version."""

from django.utils.translation import get_language


def english_active() -> bool:
    """True on English pages (French is the default language)."""
    return (get_language() or "fr").startswith("en")


def in_active_language(french: str, english: str) -> str:
    """`english` on English pages when there is one, otherwise `french`."""
    return english if english and english_active() else french
