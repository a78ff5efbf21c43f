"""`python manage.py create_api_client NAME --role {clerk,district,township,auditor} [--district CODE]
[--township CODE] [--read-only] [--days N]`: an API client account with its first token.

Contract (DESIGN §5): the key is printed alone on the last line of standard output.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from core.choices import Role
from core.management.base import RecordedCommand
from core.models import AccessProfile, ApiToken
from core.models.access import current_district_codes, current_township_codes
from core.roles import ensure_role_groups


class Command(RecordedCommand):
    help = "Create an API client (account, role, district binding) and print its first token's key on the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="account name of the client, e.g. yinzhou-sync")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--district", help="district code (required for --role district, e.g. 330212)")
        parser.add_argument(
            "--township", help="township code (required for --role township, e.g. 330212001 for 下应街道)"
        )
        parser.add_argument("--read-only", action="store_true", help="the token may only read")
        parser.add_argument("--days", type=int, default=None, help="days the token is valid (default: settings)")
        parser.add_argument("--description", default="", help="what the client is, who runs it")

    def handle(
        self,
        *args,
        name: str,
        role: str,
        district: str | None,
        township: str | None,
        read_only: bool,
        days: int | None,
        description: str,
        **options,
    ):
        district = (district or "").strip()
        if role == Role.DISTRICT:
            if not district:
                raise CommandError("--district CODE is required for --role district.")
            if district not in current_district_codes():
                valid = ", ".join(sorted(current_district_codes()))
                raise CommandError(f"{district} is not a current district code of Ningbo (one of: {valid}).")
        elif district:
            raise CommandError("--district is only for --role district: the other roles are not bound to one.")
        township = (township or "").strip()
        if role == Role.TOWNSHIP:
            if not township:
                raise CommandError("--township CODE is required for --role township.")
            if township not in current_township_codes():
                raise CommandError(f"{township} is not the 9-digit code of a current township or street of Ningbo.")
        elif township:
            raise CommandError("--township is only for --role township: the other roles are not bound to one.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        User = get_user_model()
        if User.objects.filter(username=name).exists():
            raise CommandError(
                f"An account named {name!r} exists already; issue it another token in the admin (API tokens → Add)."
            )
        groups = ensure_role_groups()
        try:
            with transaction.atomic():
                # An API client never signs in to the admin: no staff flag, no usable password.
                user = User(username=name, is_staff=False, is_superuser=False)
                user.set_unusable_password()
                user.full_clean(exclude=["password"])
                user.save()
                user.groups.add(groups[role])
                profile = AccessProfile(
                    user=user, district_code=district, township_code=township, description=description
                )
                profile.full_clean()
                profile.save()
                token, key = ApiToken.issue(
                    user=user, name=f"{name} (create_api_client)", read_only=read_only, lifetime_days=days
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        where = f" for district {district}" if district else f" for township {township}" if township else ""
        self.stdout.write(f"Created API client {name!r} with role {role}{where}.")
        self.stdout.write(
            f"Token {token.prefix}… expires {token.expires_at:%Y-%m-%d}{', read only' if read_only else ''}. "
            "The key below is shown once and not stored; send it as 'Authorization: Token <key>'."
        )
        self.stdout.write(key)
