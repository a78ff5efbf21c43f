import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test accounts need no strong hashing; PBKDF2 costs most of a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
