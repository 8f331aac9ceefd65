"""The workspace's answer to a vendor's question: one form per unanswered question, each
posting to its own URL. A refusal returns to the workspace's questions section (303) with the
typed answer on that question's form."""

from functools import cached_property

from django import forms as django_forms

from departments.views.base import get_or_404
from p3hub.forms import ServiceForm
from procurements import selectors, services
from procurements.services.questions import ANSWER_LIMIT
from procurements.views.manage import SolicitationActionView


class AnswerForm(ServiceForm):
    answer = django_forms.CharField(
        label="Answer",
        widget=django_forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_LIMIT}),
        help_text="Published for everyone with the question; the asker is never named.",
    )


def answer_form(number, data=None) -> AnswerForm:
    """The answer form of question `number`: its ids are unique on the workspace."""
    return AnswerForm(data, auto_id=f"id_answer-{number}-%s")


class QuestionAnswerView(SolicitationActionView):
    form_name, fragment = "answer_form", "questions"

    @cached_property
    def question(self):
        # Fetched when answering, not before: the action answers POST only, and a refused
        # form shown again needs only the number.
        return get_or_404(
            selectors.question_get_for_staff, self.actor, self.solicitation, self.kwargs["number"]
        )

    def build_form(self, data=None, files=None):
        return answer_form(self.kwargs["number"], data)

    def failure_context(self, form) -> dict:
        return {**super().failure_context(form), "answer_number": self.kwargs["number"]}

    def run(self, form):
        return services.question_answer(
            actor=self.actor, question=self.question, answer=form.cleaned_data["answer"]
        )

    def success_message(self, question):
        return (
            f"Question {question.number} was answered: the answer is public, and the "
            "companies following the solicitation are e-mailed."
        )
