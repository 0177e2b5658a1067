from django.core.management.base import BaseCommand

from conference.seed import load_data, seed_scope


class Command(BaseCommand):
    help = "Create or update the SCOPE 2025 demo conference (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--historical", action="store_true", help="Use the real 2025 dates.")

    def handle(self, *args, historical=False, **options):
        conference = seed_scope(historical=historical)
        data = load_data()
        domain, password = data["email_domain"], data["demo_password"]
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {conference.short_name} at /{conference.slug}/")
        )
        for role in ("chair", "reviewer", "author"):
            self.stdout.write(f"  {role:9} {role}@{domain}  password: {password}")
