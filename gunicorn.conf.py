"""gunicorn's settings for this site (`gunicorn -c gunicorn.conf.py dangjian.wsgi`); docs/deploy.md explains them.

Every value can be changed by an environment variable, so a systemd unit or a benchmark needs no copy of this file.
"""

import multiprocessing
import os

wsgi_app = "dangjian.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are rendered by Python, so one process per core (plus one) keeps the cores busy.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Roster imports and Excel exports of a year's records take seconds, not minutes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so that memory a rare large request took is given back: rarely, since
# starting a worker costs about a second of a core (at 2,000 requests, cached pages at 800/s restarted every
# worker every few seconds in the benchmark).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 10
# nginx on the same server sets X-Forwarded-Proto; trust it from there only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to stdout/stderr, kept by systemd's journal. GUNICORN_ACCESS_LOG=- turns the access log on (nginx keeps one).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "dangjian"
