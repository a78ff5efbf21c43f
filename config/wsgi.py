import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Web requests get a PostgreSQL statement timeout (DB_STATEMENT_TIMEOUT_MS, 0 = none); this module is
# the web server's entry point only, so manage.py commands (migrate, seed_demo, imports) keep none.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "30000")
application = get_wsgi_application()
