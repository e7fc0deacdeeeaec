"""gunicorn's settings for the web tier, read from the working directory; command-line flags override them.

An upload spends about as long waiting for PostgreSQL to write it to disk as it spends on the CPU, so each
worker process serves several requests on threads: one computes while the others wait. Connections close after
each response: the TLS proxy in front keeps browsers' connections alive, and a connection held by one worker
process would tie all of that browser's requests to it while the other processes sit idle.
"""
import os

worker_class = "gthread"
threads = 4
keepalive = 0
timeout = 60
# Workers prove they are alive by touching a file, many times a second: on tmpfs, not on a journalled disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
