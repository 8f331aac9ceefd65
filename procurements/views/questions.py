"""The workspace's answer to a vendor's question: one form per unanswered question, each
posting to its own URL. A refusal returns to the workspace's questions section (303) with the
typed answer on that question's form."""

from functools import cached_property

from departments.views.base import get_or_404
from procurements import selectors, services
from procurements.forms import answer_form
from procurements.views.manage import SolicitationActionView


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
