"""Set-up shared by the whole suite (tests/conftest.py holds the builders).

`make test` sets DEBUG and a throwaway SECRET_KEY in the environment; running pytest directly
reads them from the local .env that `make run` writes.
"""
