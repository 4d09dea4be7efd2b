"""Another process reading the directory: ``python -m tests.integration.directory_reader``.

Reads a mentee user id per line on stdin and answers one JSON line: that mentee's mentor
ids, best first, and this process's engine counts (builds, row updates, feed reads).
"""

from __future__ import annotations

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    django.setup()
    from accounts.models import User
    from matching.services import directory as engine

    print(json.dumps({"poll_seconds": engine.POLL_SECONDS}), flush=True)
    for line in sys.stdin:
        mentee = User.objects.get(pk=int(line))
        ids, _ = engine.rank_mentors(mentee)
        print(json.dumps({"ids": ids, "counts": engine.counts()}), flush=True)


if __name__ == "__main__":
    main()
