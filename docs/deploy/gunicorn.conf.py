"""gunicorn's settings for Improvement Tracker (docs/operations.md, "Running under systemd"; decision 0013).

    gunicorn -c docs/deploy/gunicorn.conf.py

run from the code's folder, with the production environment loaded. Each setting can be changed by an environment
variable, named beside it; anything else on gunicorn's command line (or GUNICORN_CMD_ARGS) wins over this file.
"""

import glob
import os

wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # only the machine itself: the TLS proxy is in front


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's, not the host's)
    except AttributeError:
        return os.cpu_count() or 1


# Sync workers, the usual 2 per core + 1: pages wait on the database, not the processor. Each takes about 150 MiB.
workers = int(os.environ.get("WEB_CONCURRENCY") or _cores() * 2 + 1)
# A request taking longer than this is stopped and its worker replaced. The slowest pages (a plan report for a large
# plan, a Word plan's import) take a few seconds; 60 leaves room without letting a stuck worker hang for long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30  # on restart, requests under way get this long to finish
keepalive = 5  # seconds an idle connection from the proxy is kept open

# Load the app once, before the workers are forked: a mistake in the configuration stops the start at once, and the
# workers share the loaded code's memory. (The database is connected to only in the workers.)
preload_app = True
# Replace each worker after about 1,000 requests (the jitter spreads the restarts), so that memory a long run holds
# on to (fragmentation, caches) is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 1000)
max_requests_jitter = max_requests // 10

# The proxy's address(es): only from there does gunicorn believe X-Forwarded-Proto. The app's PROXY_FIX_X_* settings
# say how many proxies to believe for the client's address and scheme; with none set nothing sits in front, so
# nothing is believed here either. Set FORWARDED_ALLOW_IPS when the proxy is on another machine.
_PROXY_FIX = ("PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PROXY_FIX_X_HOST", "PROXY_FIX_X_PORT", "PROXY_FIX_X_PREFIX")
_behind_a_proxy = any(int(os.environ.get(name) or 0) for name in _PROXY_FIX)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or ("127.0.0.1,::1" if _behind_a_proxy else "")

# Logs to standard error (the journal under systemd). The access log names each request by the id the app sends
# back in X-Request-ID, which is on every line the app logs for that request; %(M)s is the time taken in ms.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeats in memory, not on a slow disk


def _multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server) -> None:
    """Metrics in multiprocess mode (app/metrics.py): start from an empty folder, not the last run's figures."""
    folder = _multiprocess_dir()
    if folder:
        os.makedirs(folder, exist_ok=True)
        for leftover in glob.glob(os.path.join(folder, "*.db")):
            os.remove(leftover)


def child_exit(server, worker) -> None:
    """A worker that ended (max_requests, a timeout, a restart): its live gauges no longer count."""
    if _multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
