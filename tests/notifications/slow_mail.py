"""An email backend for the worker-restart test: writes each message to a file (Django's
file backend) after a short pause, so a worker can be killed while it is sending."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.2")))
        return super().send_messages(email_messages)
