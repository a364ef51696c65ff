#!/usr/bin/env bash
# Plays every part of two releases against the running local host (start it with scripts/run-local.sh --demo):
#   a Hotfix, from request to Completed (about two minutes with the demo policy), and, side by side with it,
#   a Minor, from request to its production window (30+ days out, so it waits there).
# The requester uses the API; approvers "click" the links of the emails the host wrote (its /dev/mailbox); the pipeline
# sends CDEvents signed with the development secret as docs/pipeline-events.md says (HMAC-SHA256 of timestamp.body); the
# release manager and the other people give their attestations and sign-offs through the API. Every step is printed.
# The demo itself is scripts/demo.py, one Python process (standard library only).
#   scripts/demo.sh [BASE_URL]        BASE_URL defaults to http://localhost:7071
# Settings: CDEVENTS_SECRET (default: the development secret of scripts/lib/dev-webhook-secrets.env),
#           DEMO_TIMEOUT (seconds one release may take, default 600), DEMO_ONLY=hotfix|minor (one of the two),
#           DEMO_SYSTEM (the system both releases change, default Billing).
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v python3 >/dev/null || { echo "demo.sh needs python3 (3.9 or later) on the PATH." >&2; exit 1; }
exec python3 "$REPO_ROOT/scripts/demo.py" "$@"
