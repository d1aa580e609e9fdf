import pytest
from django.urls import reverse

from registry.models import Initiative, LegalForm, Status, StatusChange
from tests.accounts.helpers import step_data
from tests.factories import (
    CommuneFactory,
    CriterionFactory,
    DepartementFactory,
    FrameworkFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    LabelFactory,
    NeedFactory,
    UserFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db

IDENTITY = {
    "name": "La Cagette du Lauragais",
    "type": "MAG_PROD",
    "summary": "Magasin de producteurs tenu par huit fermes.",
    "description": "",
    "legal_form": LegalForm.SCIC,
    "siret": make_siret(12345678),
    "rna": "",
    "founded_on": "2021-03-01",
}
LOCATION = {
    "address": "2 place du marché",
    "postal_code": "31000",
    "commune": "Toulouse — 31555",
    "latitude": "",
    "longitude": "",
    "website": "",
    "email": "contact@cagette.example.org",
    "phone": "05 61 00 00 00",
    "opening_hours": "Mardi–samedi 9h–19h",
}


@pytest.fixture(autouse=True)
def references():
    InitiativeTypeFactory()
    CommuneFactory()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("accounts:initiative-create"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_retailer_registers_a_draft_in_two_steps(retailer_client, retailer):
    first = retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)
    assert first.status_code == 302
    assert not Initiative.objects.exists()  # nothing saved before it has a location

    second = retailer_client.post(first.url, LOCATION)

    initiative = Initiative.objects.get()
    assert second.url == reverse(
        "accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]
    )
    assert initiative.status == Status.DRAFT
    assert list(initiative.owners.all()) == [retailer]
    assert initiative.commune_id == "31555"
    assert initiative.departement_id == "31"
    assert initiative.slug == "la-cagette-du-lauragais"


def test_identity_errors_are_translated_and_keep_what_was_typed(retailer_client):
    response = retailer_client.post(
        reverse("accounts:initiative-create"), {**IDENTITY, "siret": "12345678901234"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ce numéro SIRET n’est pas valide" in content or "SIRET" in content
    assert "La Cagette du Lauragais" in content
    assert "Corrigez les champs signalés" in content


def test_an_unknown_commune_is_refused_with_a_clear_message(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    response = retailer_client.post(
        reverse("accounts:initiative-create-step", args=["lieu"]),
        {**LOCATION, "commune": "Atlantis"},
    )

    assert response.status_code == 200
    assert "Aucune commune d’Occitanie ne s’appelle « Atlantis »" in response.content.decode()
    assert "2 place du marché" in response.content.decode()
    assert not Initiative.objects.exists()


def test_a_commune_name_shared_by_two_communes_is_resolved_by_the_postal_code(retailer_client):
    DepartementFactory(code="12", name="Aveyron")
    CommuneFactory(
        insee_code="12001", name="Lavernhe", departement__code="12", postal_codes=["12150"]
    )
    CommuneFactory(insee_code="31002", name="Lavernhe", postal_codes=["31310"])
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    ambiguous = retailer_client.post(
        reverse("accounts:initiative-create-step", args=["lieu"]),
        {**LOCATION, "commune": "Lavernhe", "postal_code": "99999"},
    )
    resolved = retailer_client.post(
        reverse("accounts:initiative-create-step", args=["lieu"]),
        {**LOCATION, "commune": "lavernhe", "postal_code": "31310"},
    )

    assert "Plusieurs communes s’appellent" in ambiguous.content.decode()
    assert resolved.status_code == 302
    assert Initiative.objects.get().commune_id == "31002"


def test_the_postal_code_must_belong_to_the_commune(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    response = retailer_client.post(
        reverse("accounts:initiative-create-step", args=["lieu"]),
        {**LOCATION, "postal_code": "34000"},
    )

    assert response.status_code == 200
    assert "34000" in response.content.decode()
    assert not Initiative.objects.exists()


def test_the_location_step_cannot_be_reached_before_the_identity(retailer_client):
    response = retailer_client.get(reverse("accounts:initiative-create-step", args=["lieu"]))

    assert response.url == reverse("accounts:initiative-create")


def test_the_sourcing_step_is_prefilled_from_the_self_check(retailer_client, retailer):
    framework = FrameworkFactory(status="published")
    CriterionFactory(framework=framework, code="C4", prefill_source="partner_producers")
    CriterionFactory(framework=framework, code="C5", prefill_source="organic_share")
    initiative = InitiativeFactory(
        status=Status.DRAFT, owners=[retailer], organic_share=None, partner_producers=None
    )
    session = retailer_client.session
    session["self_check_answers"] = {"C5": 35, "C4": "14", "C2": "none", "E3": True}
    session.save()

    response = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"])
    )

    form = response.context["form"]
    assert form["organic_share"].value() == 35
    assert form["partner_producers"].value() == 14
    assert "auto-diagnostic" in response.content.decode()


def test_saving_each_step_keeps_the_draft_and_moves_on(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    label, need = LabelFactory(), NeedFactory()

    labels = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "labels"]),
        {**step_data(initiative, "labels", labels=[label.pk]), "action": "next"},
    )
    initiative.refresh_from_db()
    needs = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "besoins"]),
        {**step_data(initiative, "besoins", needs=[need.pk]), "action": "save"},
    )

    initiative.refresh_from_db()
    assert labels.url == reverse("accounts:initiative-edit", args=[initiative.slug, "besoins"])
    assert needs.url == reverse("accounts:initiative-edit", args=[initiative.slug, "besoins"])
    assert list(initiative.labels.all()) == [label]
    assert list(initiative.needs.all()) == [need]
    assert initiative.version == 3
    assert initiative.status == Status.DRAFT


def test_a_sourcing_error_shows_a_message_and_keeps_the_input(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    response = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]),
        step_data(initiative, "approvisionnement", organic_share="140", partner_producers="17"),
    )

    assert response.status_code == 200
    assert response.context["form"]["partner_producers"].value() == "17"
    assert "inférieure ou égale à 100" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.partner_producers == 12


def test_submitting_a_draft_sends_it_to_moderation(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    response = retailer_client.post(reverse("accounts:initiative-submit", args=[initiative.slug]))

    initiative.refresh_from_db()
    assert response.url == reverse("accounts:my-initiatives")
    assert initiative.status == Status.SUBMITTED
    change = StatusChange.objects.get(initiative=initiative)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "draft",
        "submitted",
        retailer,
    )


def test_a_rejected_initiative_can_be_corrected_and_sent_again(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.REJECTED, owners=[retailer])

    retailer_client.post(reverse("accounts:initiative-submit", args=[initiative.slug]))

    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED


def test_someone_else_s_initiative_answers_404_like_an_unknown_slug(retailer_client):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[UserFactory()])

    edit = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "identite"])
    )
    submit = retailer_client.post(reverse("accounts:initiative-submit", args=[initiative.slug]))

    unknown = retailer_client.get(
        reverse("accounts:initiative-edit", args=["inconnue", "identite"])
    )
    assert edit.status_code == submit.status_code == unknown.status_code == 404
    initiative.refresh_from_db()
    assert initiative.status == Status.DRAFT


def test_a_user_without_a_role_cannot_register(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:initiative-create")).status_code == 403
    assert client.get(reverse("accounts:my-initiatives")).status_code == 403


def test_editing_a_validated_initiative_s_text_keeps_it_published(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.VALIDATED, owners=[retailer])

    retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "identite"]),
        step_data(initiative, "identite", summary="Nouvelle description courte."),
    )

    initiative.refresh_from_db()
    assert initiative.summary == "Nouvelle description courte."
    assert initiative.status == Status.VALIDATED


def test_changing_an_eligibility_fact_sends_a_validated_initiative_back_to_moderation(
    retailer_client, retailer
):
    initiative = InitiativeFactory(status=Status.VALIDATED, owners=[retailer])

    response = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]),
        step_data(initiative, "approvisionnement", organic_share="75"),
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.organic_share == 75
    assert initiative.status == Status.SUBMITTED
    change = initiative.status_changes.get()
    assert "ventes bio" in change.reason
    assert "repasse en modération" in response.content.decode()


def test_renaming_a_validated_initiative_sends_it_back_to_moderation(retailer_client, retailer):
    """A new name is a new public identity: an agent checks it before it is published, as the
    API does (registry.services.initiatives.RE_MODERATION_FIELDS)."""
    initiative = InitiativeFactory(status=Status.VALIDATED, owners=[retailer], name="Avant")

    response = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "identite"]),
        step_data(initiative, "identite", name='=HYPERLINK("http://evil.example")'),
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.name.startswith("=HYPERLINK")
    assert initiative.status == Status.SUBMITTED
    change = initiative.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.VALIDATED,
        Status.SUBMITTED,
        retailer,
    )
    assert "nom" in change.reason
    assert "repasse en modération" in response.content.decode()
    assert retailer_client.get(initiative.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("step", "changes"),
    [
        ("identite", {"summary": "Nouvelle présentation."}),
        ("lieu", {"phone": "05 62 00 00 00", "email": "autre@cagette.example.org"}),
    ],
)
def test_descriptive_edits_of_a_validated_initiative_stay_published(
    retailer_client, retailer, step, changes
):
    initiative = InitiativeFactory(
        status=Status.VALIDATED,
        owners=[retailer],
        latitude=43.60426,
        longitude=1.44367,
        website="https://cagette.example.org",
        address="2 place du marché",
    )

    retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, step]),
        step_data(initiative, step, **changes),
    )

    initiative.refresh_from_db()
    assert initiative.version == 2
    assert initiative.status == Status.VALIDATED
    assert not initiative.status_changes.exists()


def test_an_agent_correcting_a_fact_does_not_unpublish_the_initiative(client, agent):
    initiative = InitiativeFactory(status=Status.VALIDATED)
    client.force_login(agent)

    client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]),
        step_data(initiative, "approvisionnement", organic_share="75"),
    )

    initiative.refresh_from_db()
    assert initiative.organic_share == 75
    assert initiative.status == Status.VALIDATED


def test_an_archived_initiative_cannot_be_edited(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.ARCHIVED, owners=[retailer])

    response = retailer_client.get(reverse("accounts:initiative-edit", args=[initiative.slug]))

    assert response.status_code == 403


def test_sending_for_moderation_from_the_needs_step_saves_the_ticked_needs_first(
    retailer_client, retailer
):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    need = NeedFactory()

    response = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "besoins"]),
        {**step_data(initiative, "besoins", needs=[need.pk]), "action": "submit"},
    )

    initiative.refresh_from_db()
    assert response.url == reverse("accounts:my-initiatives")
    assert list(initiative.needs.all()) == [need]
    assert initiative.status == Status.SUBMITTED


def test_an_invalid_step_is_not_sent_for_moderation_and_keeps_the_input(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    response = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]),
        {
            **step_data(
                initiative, "approvisionnement", organic_share="140", partner_producers="17"
            ),
            "action": "submit",
        },
    )

    initiative.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"]["partner_producers"].value() == "17"
    assert "inférieure ou égale à 100" in response.content.decode()
    assert initiative.status == Status.DRAFT
    assert initiative.partner_producers == 12


def test_the_needs_step_sends_for_moderation_with_the_step_form(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    response = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "besoins"])
    )

    content = response.content.decode()
    assert 'name="action" value="submit"' in content
    assert reverse("accounts:initiative-submit", args=[initiative.slug]) not in content


def test_the_re_moderation_message_says_the_listing_is_hidden_until_validated_again(
    retailer_client, retailer
):
    initiative = InitiativeFactory(status=Status.VALIDATED, owners=[retailer])

    response = retailer_client.post(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]),
        step_data(initiative, "approvisionnement", organic_share="75"),
        follow=True,
    )

    content = response.content.decode()
    assert "n’apparaît plus dans le catalogue public" in content
    assert "avant que le public" not in content
    assert retailer_client.get(initiative.get_absolute_url()).status_code == 404


def test_editing_a_validated_initiative_warns_which_fields_send_it_back_to_moderation(
    retailer_client, retailer
):
    initiative = InitiativeFactory(status=Status.VALIDATED, owners=[retailer])

    sourcing = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "approvisionnement"])
    ).content.decode()
    needs = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "besoins"])
    ).content.decode()

    identity = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "identite"])
    ).content.decode()
    location = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "lieu"])
    ).content.decode()

    def notice(page):
        return page.split('id="re-moderation-notice"')[1].split("</div>")[0]

    assert 'id="re-moderation-notice"' in sourcing
    assert "Ventes bio (%)" in notice(sourcing)
    assert "re-moderation-notice" not in needs  # needs are published straight away
    # What identifies the listing publicly is checked again too; free texts and contact are not.
    assert "<li>Nom</li>" in notice(identity)
    assert "<li>SIRET</li>" in notice(identity)
    assert "Description courte" not in notice(identity)
    assert "<li>Site web</li>" in notice(location)
    assert "<li>Adresse</li>" in notice(location)
    assert "Téléphone public" not in notice(location)


def test_a_draft_s_edit_link_opens_the_first_incomplete_step(retailer_client, retailer):
    InitiativeFactory(
        name="Nouveau drive",
        status=Status.DRAFT,
        owners=[retailer],
        partner_producers=None,
        regional_purchase_share=None,
        short_circuit_share=None,
        organic_share=None,
        quality_share=None,
    )

    content = retailer_client.get(reverse("accounts:my-initiatives")).content.decode()

    assert reverse("accounts:initiative-edit", args=["nouveau-drive", "approvisionnement"]) in (
        content
    )
