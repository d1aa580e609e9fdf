from django import forms
from django.test.html import parse_html

from catalogue.filters import FlatSelect

CHOICES = [("", "Tous"), ("31", "Haute-Garonne <31>"), ("34", "Hérault & co")]


def test_it_renders_what_django_s_select_renders():
    for value in (None, "", "31"):
        ours = FlatSelect(attrs={"class": "form-select"}, choices=CHOICES)
        django_s = forms.Select(attrs={"class": "form-select"}, choices=CHOICES)
        attrs = {"id": "id_departement", "aria-describedby": "departement-error"}
        assert parse_html(ours.render("departement", value, attrs)) == parse_html(
            django_s.render("departement", value, attrs)
        )


def test_labels_are_escaped_and_the_value_selected():
    html = FlatSelect(choices=CHOICES).render("departement", "34")
    assert "Haute-Garonne &lt;31&gt;" in html
    assert '<option value="34" selected>Hérault &amp; co</option>' in html
