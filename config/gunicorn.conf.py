"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi` (docs/deploy.md).

Every value can be changed from the environment, so the same file serves one machine or many.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are short and database-bound: two workers per core, at most eight on one machine.
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(8, 2 * multiprocessing.cpu_count()))))
# Streaming exports of a whole table last longer than a page; nginx's proxy_read_timeout matches.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then so memory held by a large request is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Request lines and headers stay small; bodies are capped by DATA_UPLOAD_MAX_MEMORY_SIZE.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Web requests get a statement timeout and planner settings; config/wsgi.py sets the defaults when unset.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "30000")
os.environ.setdefault("DB_PLANNER_SETTINGS", "jit=off,random_page_cost=1.1,parallel_setup_cost=10000")
