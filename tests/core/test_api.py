"""Django's ValidationError, raised by models and services, worded once as DRF's 400 body."""

from django.core.exceptions import ValidationError

from core.api_errors import validation_error_detail


def test_errors_by_field_keep_their_fields_and_all_becomes_non_field_errors():
    error = ValidationError({"siret": ["Bad SIRET."], "__all__": ["Already registered."]})

    assert validation_error_detail(error) == {
        "siret": ["Bad SIRET."],
        "non_field_errors": ["Already registered."],
    }


def test_errors_by_field_can_be_nested_under_one_name_as_they_are():
    error = ValidationError({"E1": ["Answer yes or no."]})

    assert validation_error_detail(error, nested_under="answers") == {
        "answers": {"E1": ["Answer yes or no."]}
    }


def test_an_error_without_fields_goes_under_non_field_errors_or_the_field_given():
    error = ValidationError("Not now.", code="forbidden_transition")

    assert validation_error_detail(error) == {"non_field_errors": ["Not now."]}
    assert validation_error_detail(error, field="status") == {"status": ["Not now."]}
    assert validation_error_detail(
        error, field_by_code={"forbidden_transition": "state"}, field="measure"
    ) == {"state": ["Not now."]}
