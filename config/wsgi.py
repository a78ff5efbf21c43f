import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Web requests get a PostgreSQL statement timeout (DB_STATEMENT_TIMEOUT_MS, 0 = none); this module is
# the web server's entry point only, so manage.py commands (migrate, seed_demo, imports) keep none.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "30000")
# And the planner settings of short requests on SSD storage (docs/decisions/0076): no JIT compilation
# (10–30 ms per query whose plan looks expensive, paid back only by queries of seconds), random reads
# priced as SSDs price them (a filtered page is read in order from its index), and parallel workers
# only for scans big enough to pay for starting them (the statistics, not a name search).
os.environ.setdefault("DB_PLANNER_SETTINGS", "jit=off,random_page_cost=1.1,parallel_setup_cost=10000")
application = get_wsgi_application()
