import pytest
from django.urls import reverse

from recommendations.models import Measure
from tests.factories import FollowUpFactory, MeasureFactory, NeedFactory, PacteActionFactory

pytestmark = pytest.mark.django_db


def test_curators_list_and_open_measures_and_follow_ups(admin_client):
    measure = MeasureFactory(code="LOGX", rationale="**Gras** <script>x()</script>")
    followup = FollowUpFactory(measure=measure)

    pages = [
        reverse("admin:recommendations_measure_changelist") + "?q=LOGX",
        reverse("admin:recommendations_measure_change", args=["LOGX"]),
        reverse("admin:recommendations_followup_changelist"),
        reverse("admin:recommendations_followup_change", args=[followup.pk]),
        reverse("admin:recommendations_followupevent_changelist"),
    ]
    responses = [admin_client.get(url) for url in pages]

    assert [r.status_code for r in responses] == [200] * 5
    change_page = responses[1].content.decode()
    assert "<strong>Gras</strong>" in change_page
    assert "<script>x()" not in change_page


def test_curators_write_the_english_texts_and_see_them_rendered(admin_client):
    need, action = NeedFactory(), PacteActionFactory()

    response = admin_client.post(
        reverse("admin:recommendations_measure_add"),
        {
            "code": "NEW3",
            "title": "Nouvelle mesure",
            "title_en": "New measure",
            "summary": "Résumé.",
            "summary_en": "Summary.",
            "status": "proposed",
            "priority": "2",
            "support_type": "training",
            "rationale": "Pourquoi.",
            "rationale_en": "**Why** <script>x()</script>",
            "means": "Comment.",
            "means_en": "How.",
            "pacte_actions": [action.pk],
            "needs": [need.pk],
        },
    )
    change_page = admin_client.get(reverse("admin:recommendations_measure_change", args=["NEW3"]))

    assert response.status_code == 302
    measure = Measure.objects.get(code="NEW3")
    assert (measure.title_en, measure.means_en) == ("New measure", "How.")
    content = change_page.content.decode()
    assert "<strong>Why</strong>" in content and "<script>x()" not in content


def test_follow_up_verdicts_read_in_words_in_the_admin(admin_client):
    followup = FollowUpFactory(verdict_before="not_eligible", verdict_after="eligible")

    listed = admin_client.get(reverse("admin:recommendations_followup_changelist"))
    opened = admin_client.get(reverse("admin:recommendations_followup_change", args=[followup.pk]))

    assert "Éligible" in listed.content.decode() and "not_eligible" not in listed.content.decode()
    assert "Non éligible" in opened.content.decode()
    assert "not_eligible" not in opened.content.decode()


def test_curators_type_criterion_codes_as_text(admin_client):
    need, action = NeedFactory(), PacteActionFactory()

    response = admin_client.post(
        reverse("admin:recommendations_measure_add"),
        {
            "code": "NEW1",
            "title": "Nouvelle mesure",
            "summary": "Résumé.",
            "status": "proposed",
            "priority": "2",
            "support_type": "training",
            "lead_service": "",
            "rationale": "Pourquoi.",
            "means": "Comment.",
            "pacte_actions": [action.pk],
            "needs": [need.pk],
            "criterion_codes": "c1, E4",
        },
    )

    assert response.status_code == 302
    assert Measure.objects.get(code="NEW1").criterion_codes == ["C1", "E4"]


def test_unknown_criterion_codes_are_refused_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:recommendations_measure_add"),
        {
            "code": "NEW2",
            "title": "Nouvelle mesure",
            "summary": "Résumé.",
            "status": "proposed",
            "priority": "2",
            "support_type": "training",
            "rationale": "Pourquoi.",
            "means": "Comment.",
            "pacte_actions": [PacteActionFactory().pk],
            "needs": [NeedFactory().pk],
            "criterion_codes": "C1, X9",
        },
    )

    assert response.status_code == 200
    assert "X9" in response.content.decode()
    assert not Measure.objects.filter(code="NEW2").exists()
