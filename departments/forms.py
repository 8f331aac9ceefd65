"""Forms parse and re-display input; the rules live in services."""

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from p3hub.mail import email_queue


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the e-mail queue (a Celery task after commit)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_queue(to=[to_email], subject=subject, body=body)
