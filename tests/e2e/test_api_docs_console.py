"""The API documentation (Swagger UI) loads without a console error, the CSP's included."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_loads_the_swagger_page_without_a_console_error(page, live_server):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    page.locator("#swagger-ui .opblock-summary").first.click()
    expect(page.locator("#swagger-ui .opblock-body").first).to_be_visible()
    page.wait_for_timeout(300)
    assert errors == []
