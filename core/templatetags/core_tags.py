"""Template helpers every surface uses: role checks, message styling and accessibility."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import permissions, roles
from core.i18n import english_active

register = template.Library()

# Bootstrap alert classes by message level ("error" is "danger" in Bootstrap).
ALERT_CLASSES = {"error": "danger", "debug": "secondary"}


@register.filter
def is_agent(user) -> bool:
    return roles.is_agent(user)


@register.filter
def can_manage(user, initiative) -> bool:
    return permissions.can_manage(user, initiative)


@register.filter
def alert_class(level_tag: str) -> str:
    return ALERT_CLASSES.get(level_tag, level_tag or "info")


# Language of parts (WCAG 3.1.2, RGAA 8.7): what people write is stored in French, with an
# optional English version for some texts. Shown on an English page, French text is marked, so
# that screen readers pronounce it in French.


@register.simple_tag
def lang_fr(english_version=""):
    """` lang="fr"` for an element showing French text on an English page: always for texts
    only written in French (`{% lang_fr %}`), or when the English version given is empty
    (`<h1{% lang_fr measure.title_en %}>{{ measure.display_title }}</h1>`)."""
    if english_active() and not english_version:
        return mark_safe(' lang="fr"')  # nosec B308 B703 # a constant
    return ""


@register.filter
def in_french(text):
    """The text, within `<span lang="fr">` on English pages: for French text inside a
    sentence (`{% blocktranslate with name=initiative.name|in_french %}`). Never use it in
    an attribute or the page title, where markup does not belong."""
    if english_active() and text not in (None, ""):
        return format_html('<span lang="fr">{}</span>', text)
    return text


@register.simple_tag
def scroll_region(label):
    """Attributes of a box that may scroll sideways on a narrow screen (a wide table, a chart):
    keyboard users reach it with Tab and scroll it with the arrow keys, and screen readers
    announce it by its label (WCAG 2.1.1, RGAA 7.3). static/js/site.js shows a hint while
    it can scroll, and leaves it out of the Tab order while it cannot. A `.table-responsive`
    box whose table has a caption needs nothing: site.js does the same, labelled by the
    caption."""
    return format_html('tabindex="0" role="region" aria-label="{}" data-scroll-region', label)
