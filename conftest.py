"""Test set-up shared by the whole suite (tests/conftest.py holds the builders)."""

import os

# Tests run with development settings: a fixed throwaway secret, no HTTPS redirect.
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
