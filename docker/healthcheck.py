"""The image's HEALTHCHECK: exit 0 when /healthz answers 200 on this container's own port.

python:3.11-slim has no curl, hence urllib. The request carries a Host header taken from
DJANGO_ALLOWED_HOSTS, since Django answers 400 to a host it does not serve.
"""

import os
import sys
import urllib.request


def main():
    allowed = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
    hosts = [host.strip().lstrip(".") for host in allowed]
    host = next((host for host in hosts if host and host != "*"), "localhost")
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            body = response.read().decode()
    except OSError as error:  # URLError and HTTPError (a 503) are OSErrors
        print(f"healthcheck: {url} (Host: {host}): {error}", file=sys.stderr)
        return 1
    return 0 if body == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
