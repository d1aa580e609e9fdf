"""E-mail that never holds up or contradicts a write: sent once the transaction commits, or
once the response has gone out."""

import logging
import threading
from collections.abc import Callable
from functools import partial

from django.core.mail import send_mail
from django.core.signals import request_finished
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

_after_response = threading.local()


def run_after_response(task: Callable[[], object]) -> None:
    """Run `task` once the response to the current request has gone out.

    A page that must not tell whether an address is known (password reset, new verification
    link) would answer more slowly when it talks to the mail server. So the task waits for
    Django's `request_finished` signal, which the server sends after writing the response (the
    test client too). It runs in the language active now; an error is logged, never shown to
    the visitor. Call this only while handling a request.
    """
    if getattr(_after_response, "tasks", None) is None:
        _after_response.tasks = []
    _after_response.tasks.append((translation.get_language(), task))


def _run_tasks_after_response(**kwargs) -> None:
    tasks = getattr(_after_response, "tasks", None) or []
    _after_response.tasks = []
    for language, task in tasks:
        try:
            with translation.override(language):
                task()
        except Exception:
            logger.exception("A task run after the response failed")


request_finished.connect(_run_tasks_after_response, dispatch_uid="core.run_after_response")


def send_later(
    *, template: str, context: dict, to: list[str], after_response: bool = False
) -> None:
    """Render `template`_subject.txt / .txt now and send once the transaction commits, or with
    `after_response` (for a message that follows no write) once the response has gone out."""
    to = [address for address in to if address]
    if not to:
        return
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send = partial(send_mail, subject, body, None, to)
    if after_response:
        run_after_response(send)
    else:
        transaction.on_commit(send)
