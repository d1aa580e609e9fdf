"""The API documentation (Swagger UI) loads and is used without a console error, the CSP's
included (a refused inline style or script shows there as an error)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])  # Swagger UI treats localhost apart
def test_it_shows_the_swagger_page_without_a_console_error(page, live_server, host):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url.replace('localhost', host)}/api/docs/")
    operations = page.locator("#swagger-ui .opblock-summary")
    expect(operations.first).to_be_visible()
    for index in range(min(operations.count(), 4)):  # opened: parameters, responses, schemas
        operations.nth(index).click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    expect(page.locator("#swagger-ui .live-responses-table").first).to_be_visible()
    page.locator("#swagger-ui section.models h4").first.click()  # the schemas
    page.evaluate("() => new Promise(done => setTimeout(done, 300))")

    assert errors == []
