"""Plausible answers for the demo initiatives' questions that no registry fact covers.

Only `manage.py rescore --missing-only --demo-answers` (run by `make run`) uses this: an agent
answers these questions in real life. Values are derived deterministically from the initiative
(its primary key and sourcing figures), so the demo is the same on every machine.
"""

from . import engine
from .questions import MULTIPLE_CHOICE, NUMBER, SINGLE_CHOICE, YES_NO


def _pick(seed: int, salt: int, n: int) -> int:
    return (seed * 7919 + salt * 104729) % n


def demo_answers(initiative, definition: engine.FrameworkDef, answers: dict) -> dict:
    answers = dict(answers)
    seed = initiative.pk
    strong = (initiative.regional_purchase_share or 0) >= 60
    for criterion in definition.criteria:
        if criterion.code in answers:
            continue
        # About one initiative in twelve keeps a declaration unanswered: it waits in the queue.
        if criterion.eliminatory and criterion.question == YES_NO:
            if _pick(seed, 1, 12) == 0:
                continue
            answers[criterion.code] = (
                criterion.expected if _pick(seed, 2, 20) else not criterion.expected
            )
        elif criterion.question == MULTIPLE_CHOICE:
            count = _pick(seed, len(criterion.code), len(criterion.options) + 1)
            if strong:
                count = max(count, 2)
            answers[criterion.code] = [o.value for o in criterion.options[:count]]
        elif criterion.question == SINGLE_CHOICE:
            index = _pick(seed, len(criterion.code) * 3, len(criterion.options))
            answers[criterion.code] = criterion.options[0 if strong and index > 1 else index].value
        elif criterion.question == YES_NO:
            answers[criterion.code] = bool(_pick(seed, 5, 3) == 0)
        elif criterion.question == NUMBER:
            answers[criterion.code] = _pick(seed, 7, 16)
    return answers
