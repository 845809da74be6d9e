"""gunicorn's settings for Wegwijs; gunicorn reads this file from the directory it starts in
(``make run``, the e2e tests and the benchmarks start it in the project's root).

Threaded workers that keep connections alive (measured in docs/benchmarks.md):
the default sync worker answers one request per connection and then waits for
the client to close it (gunicorn 27 lingers up to 2 s for the client's FIN) before it
takes the next, so on a busy machine a worker stood idle while the client was
waiting for a core. A gthread worker keeps the connection for the client's next
request and serves others meanwhile; its second thread answers while the
first waits for the database (the access log's INSERT waits for its commit
to reach the disk). The HTTP parser is gunicorn_h1c (C) when installed.
"""

worker_class = "gthread"
threads = 2
keepalive = 5  # seconds a client's idle connection is kept for its next request
# The request and error logs without a mailed link's secret, a query's values or credentials.
logger_class = "web.request_log.RedactingLogger"
