"""Set-up shared by the whole suite (tests/conftest.py holds the builders).

`make test` sets DEBUG and a throwaway SECRET_KEY in the environment; running pytest directly
reads them from the local .env that `make run` writes.
"""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a real password hash costs ~0.3 s each and protects nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
