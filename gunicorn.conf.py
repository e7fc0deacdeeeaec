"""gunicorn's settings for the web tier, read from the working directory; command-line flags override them.

An upload spends about as long waiting for PostgreSQL to write it to disk as it spends on the CPU, so each
worker process serves several requests on threads: one computes while the others wait.
"""
worker_class = "gthread"
threads = 4
timeout = 60
