"""The question kinds a criterion can ask, one module each, by the code `Criterion.question`
stores. See `base.Question` for what a kind provides; adding one means a module here, an entry
in `KINDS` and a choice in `models.QuestionKind`."""

from .base import Question
from .choice import MultipleChoice, SingleChoice
from .number import Number
from .yes_no import YesNo

KINDS: dict[str, Question] = {
    kind.code: kind for kind in (YesNo(), Number(), SingleChoice(), MultipleChoice())
}

YES_NO = YesNo.code
NUMBER = Number.code
SINGLE_CHOICE = SingleChoice.code
MULTIPLE_CHOICE = MultipleChoice.code
