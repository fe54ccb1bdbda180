"""Mark an email address as failing (the provider reported a bounce or complaint), or clear
it. Email to a failing address is skipped; in-app notifications still work and the person
sees a notice on their profile and email settings."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Mark email addresses as failing (bounces), or clear them with --clear."

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="+")
        parser.add_argument("--reason", default="", help="What the provider reported.")
        parser.add_argument("--clear", action="store_true", help="The address works again.")

    def handle(self, *args, emails, reason, clear, **options):
        for email in emails:
            if clear:
                done = services.clear_failing_address(email=email)
                self.stdout.write(f"{email}: {'cleared' if done else 'was not failing'}")
            else:
                entry = services.mark_address_failing(email=email, reason=reason)
                self.stdout.write(f"{email}: failing ({entry.bounces} report(s))")
