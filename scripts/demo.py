#!/usr/bin/env python3
"""Plays every part of two releases against the running local host (start it with scripts/run-local.sh --demo).

Run it as scripts/demo.sh [BASE_URL]; that script's header says what it does and which settings it reads. One Python
process does everything (HTTP, HMAC signatures, JSON): the shell version started a curl and a Python for every poll and
every policy lookup, about 25 s of CPU for a 35 s demo, which on a busy machine made the demo take minutes.
"""
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from zoneinfo import ZoneInfo

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:7071").rstrip("/")
TIMEOUT = int(os.environ.get("DEMO_TIMEOUT", "600"))
SYSTEM = os.environ.get("DEMO_SYSTEM", "Billing")
ONLY = os.environ.get("DEMO_ONLY", "")
SECRET = os.environ.get("CDEVENTS_SECRET", "")
if not SECRET:
    with open(os.path.join(REPO_ROOT, "scripts", "lib", "dev-webhook-secrets.env"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("Webhooks__CDEvents__Secrets__dev="):
                SECRET = line.split("=", 1)[1].strip()

_print_lock = threading.Lock()


class DemoFailed(Exception):
    """A step the demo cannot go on from; its message is printed."""


def say(message):
    with _print_lock:
        print(f"{time.strftime('%H:%M:%S', time.gmtime())}  {message}", flush=True)


def http(method, url, body=None, headers=None):
    """(status, text) of one request; a 4xx or 5xx answer is returned, not raised."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def get(path_or_url):
    url = path_or_url if path_or_url.startswith("http") else BASE + path_or_url
    status, text = http("GET", url)
    if not 200 <= status < 300:
        raise DemoFailed(f"GET {url} answered {status}: {text}")
    return text


def api(method, path, body):
    """A call of the API that must be accepted (2xx)."""
    status, text = http(method, BASE + path, json.dumps(body).encode(), {"content-type": "application/json"})
    if not 200 <= status < 300:
        raise DemoFailed(f"{method} {path} answered {status}: {text}")
    return text


try:
    get("/api/health")
except (OSError, DemoFailed):
    print(f"No local host at {BASE}: start it with scripts/run-local.sh --demo.", file=sys.stderr)
    sys.exit(1)
POLICY = json.loads(get("/api/policy"))
ITEMS = {i["id"]: i for g in POLICY["qualityGates"].values() for i in g["items"]}
DOCUMENTS = POLICY.get("documents") or {}
MILESTONES = POLICY["promotion"]["milestones"]


def person(role):
    return (POLICY.get("approvers", {}).get(role) or [None])[0]


def send(event_type, release, content, subject=None):
    """One CDEvents delivery, signed as docs/pipeline-events.md tells a pipeline."""
    event_id = f"demo-{time.time_ns()}-{random.randrange(32768)}"
    timestamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = {
        "specversion": "1.0", "id": event_id, "source": "/demo/pipeline", "type": event_type, "datacontenttype": "application/json",
        "data": {
            "context": {"specversion": "0.4.1", "id": event_id, "source": "/demo/pipeline", "type": event_type, "timestamp": timestamp},
            "subject": {"id": subject or release, "source": "/demo/pipeline", "content": content},
            "customData": {"releaseId": release, "system": SYSTEM, "version": "1.0.0"},
        },
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    ts = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    status, text = http("POST", BASE + "/api/webhooks/cdevents", body, {
        "content-type": "application/cloudevents+json", "X-Signature-Timestamp": ts, "X-Signature": signature})
    if status != 202:
        raise DemoFailed(f"The webhook answered {status} to {event_type}: {text}")


def milestone(release, name):
    say(f"  pipeline: milestone {name} reached (signed CDEvent)")
    send("dev.cdeventsx.releasefunctions-milestone.reached.0.1.0", release, {"milestone": name})


def evidence(release, item):
    """A passing result of a gate item (its threshold's value when measured; about its environment when it names one)."""
    content = {"item": item, "outcome": "success"}
    value = (ITEMS[item].get("threshold") or {}).get("value")
    if value is not None:
        content["value"] = value
    if ITEMS[item].get("environment"):
        content["environment"] = {"id": ITEMS[item]["environment"].lower()}
    say(f"  pipeline: {item} passed (signed CDEvent)")
    send("dev.cdeventsx.releasefunctions-gate.evidence.0.1.0", release, content)


def document(release, item):
    """A link to a release document, as the documentation pipeline reports it (subject.content.url)."""
    say(f"  pipeline: {item} published (signed CDEvent with its link)")
    send("dev.cdeventsx.releasefunctions-gate.evidence.0.1.0", release,
         {"item": item, "url": f"https://docs.example.com/releases/{release}/{item}", "title": DOCUMENTS[item]["description"]})


def configuration(release, environment):
    settings = next(e["requiredSettings"] for name, e in POLICY["environments"].items() if name.lower() == environment)
    say(f"  pipeline: configuration report of {environment} (signed CDEvent)")
    send("dev.cdeventsx.releasefunctions-gate.evidence.0.1.0", release,
         {"item": "environment-configuration", "environment": {"id": environment}, "settings": settings})


def deployed(release, environment):
    say(f"  pipeline: deployed to {environment} (signed CDEvent service.deployed)")
    send("dev.cdevents.service.deployed.0.2.0", release,
         {"environment": {"id": environment}, "artifactId": f"pkg:generic/{SYSTEM}@1.0.0"}, SYSTEM)


def attest(release, item):
    """Someone holding one of the item's attestation roles attests it through the API."""
    criteria = POLICY["successCriteria"]
    roles = (ITEMS.get(item) or {}).get("attestationRoles") or (
        criteria["signOffRoles"] if item == criteria["signOffItem"] else POLICY["emergencyReview"]["reviewerRoles"])
    role, who = next(((r, person(r)) for r in roles if person(r)), (roles[-1], None))
    say(f"  {who} ({role}): attests {item} (API)")
    api("POST", f"/api/releases/{release}/evidence",
        {"item": item, "kind": "attestation", "by": who, "approved": True, "note": "Checked in the demo."})


def report(release, item):
    """A gate item satisfied: attested by a person where the policy says so, a document's link, else a passing result from the pipeline."""
    if item in DOCUMENTS and item not in ITEMS:
        document(release, item)
    elif ITEMS[item].get("satisfiedBy") == "Attestation":
        attest(release, item)
    else:
        evidence(release, item)


def approve(release, used):
    """Every approval link mailed for the release and not used yet, opened and approved on its page; False if none."""
    approved = False
    for entry in re.findall(r"<li>(.*?)</li>", get("/dev/mailbox"), re.S):
        if f"({release})" not in entry or "approval by" not in entry:
            continue
        for link in re.findall(r'href="([^"]*/approvals/[^"]*)"', entry):
            if link in used:
                continue
            used.add(link)
            form = re.search(r'name="form" value="([^"]*)"', get(link))
            if not form:
                continue  # decided already, or the stage has moved on
            _, page = http("POST", link, urllib.parse.urlencode(
                {"form": form.group(1), "decision": "approve", "comment": "Approved in the demo."}).encode(),
                {"content-type": "application/x-www-form-urlencoded"})
            heading = re.search(r"<h1>([^<]*)</h1>", page)
            say(f"  approver: opened the emailed link …/approvals/{link.split('/approvals/', 1)[1]} and approved it: {heading.group(1) if heading else ''}")
            approved = True
    return approved


def play(release, until):
    """Acts on whatever the release waits for, until until(release) holds."""
    deadline = time.monotonic() + TIMEOUT
    last, acted, used = None, None, set()
    while True:
        r = json.loads(get(f"/api/releases/{release}"))
        status, stage = r["status"], r.get("stage") or ""
        pending = len(r.get("pendingApprovals") or [])
        reason = " ".join((r.get("statusReason") or "").split())
        if until(r):
            say(f"{release}: {status}, stage {stage}: {reason}")
            return
        if status != "Active":
            raise DemoFailed(f"{release} ended {status}: {reason}")
        if time.monotonic() > deadline:
            raise DemoFailed(f"{release} did not get there in {TIMEOUT}s (stage {stage}: {reason})")
        if (stage, reason) != last:
            say(f"{release}: {stage} — {reason}")
            last, acted = (stage, reason), None
        # Once acted, wait for the release to move; act again only when it has not moved for 15 s (e.g. an email came late).
        if acted is not None and time.monotonic() - acted < 15:
            time.sleep(1)
            continue
        if not act(release, r, stage, reason, pending, used):
            time.sleep(1)
            continue
        acted = time.monotonic()


def act(release, r, stage, reason, pending, used):
    """Does what the release waits for at its stage; False when there was nothing to do yet."""
    kind, _, target = stage.partition(":")
    if stage == "milestones":
        for m in MILESTONES:
            milestone(release, m)
    elif kind == "promotion":
        if pending:
            return approve(release, used)
        route = POLICY["promotion"]["hotfixRoute" if r["type"] == "Hotfix" else "route"]
        triggers = next(s["trigger"] for s in route if s["to"].lower() == target)
        for trigger in triggers if isinstance(triggers, list) else [triggers]:
            if trigger in MILESTONES:
                milestone(release, trigger)
            else:
                report(release, trigger)
    elif kind == "gate":
        for gate in r.get("gates") or []:
            item = gate["item"]
            if gate["verdict"] in ("Passed", "Waived"):
                continue
            if item == "environment-configuration":
                configuration(release, target)
            else:
                report(release, item)
    elif kind == "deploy":
        deployed(release, target)
    elif stage in ("validation", "watch"):
        if "without monitoring data" not in reason:
            return False
        attest(release, POLICY["successCriteria"]["signOffItem"])
    elif stage == "emergency-review":
        attest(release, POLICY["emergencyReview"]["evidenceItem"])
    else:
        return pending > 0 and approve(release, used)
    return True


def main():
    stamp = time.strftime("%m%d-%H%M%S", time.gmtime()) + f"-{random.randrange(32768)}"
    zone = ZoneInfo(POLICY["timeZone"])
    today = datetime.datetime.now(zone).date()
    say(f"Dashboard: {BASE}/   (mailbox: {BASE}/dev/mailbox)")
    # The two releases are played side by side (each line names its release); the demo ends when both have got there.
    plays = []
    if ONLY != "minor":
        hotfix = f"demo-hotfix-{stamp}"
        say(f"Requester: requests Hotfix {hotfix} for today ({today}, API) — {BASE}/api/dashboard/releases/{hotfix}")
        api("POST", "/api/releases", {"id": hotfix, "title": "Demo hotfix: expired certificate", "type": "Hotfix",
                                      "systems": [SYSTEM], "targetDate": today.isoformat()})
        plays.append((hotfix, lambda r: r["status"] == "Completed"))
    if ONLY != "hotfix":
        minor = f"demo-minor-{stamp}"
        target = next(d for d in (today + datetime.timedelta(days=n) for n in range(35, 42)) if d.isoweekday() == 2)
        say(f"Requester: requests Minor {minor} for {target} (API) — {BASE}/api/dashboard/releases/{minor}")
        api("POST", "/api/releases", {"id": minor, "title": "Demo minor: invoice export", "type": "Minor",
                                      "systems": [SYSTEM], "targetDate": target.isoformat()})
        plays.append((minor, lambda r: r.get("stage") == "window"))

    failures = []

    def run(release, until):
        try:
            play(release, until)
        except Exception as e:  # noqa: BLE001 (any failure of a release's play fails the demo, with its reason)
            failures.append(release)
            with _print_lock:
                print(f"{release}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)

    threads = [threading.Thread(target=run, args=p) for p in plays]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        print("The demo did not finish: see the lines above.", file=sys.stderr)
        return 1
    say(f"Done. The dashboard: {BASE}/")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DemoFailed as e:
        print(str(e), file=sys.stderr)
        sys.exit(1)
