#!/usr/bin/env bash
# Plays every part of two releases against the running local host (start it with scripts/run-local.sh --demo):
#   a Hotfix, from request to Completed (about two minutes with the demo policy), and, side by side with it,
#   a Minor, from request to its production window (30+ days out, so it waits there).
# The requester uses the API; approvers "click" the links of the emails the host wrote (its /dev/mailbox); the pipeline
# sends CDEvents signed with the development secret as docs/pipeline-events.md says (curl + openssl); the release manager
# and the other people give their attestations and sign-offs through the API. Every step is printed.
#   scripts/demo.sh [BASE_URL]        BASE_URL defaults to http://localhost:7071
# Settings: CDEVENTS_SECRET (default: the development secret of scripts/lib/dev-webhook-secrets.env),
#           DEMO_TIMEOUT (seconds one release may take, default 600), DEMO_ONLY=hotfix|minor (one of the two),
#           DEMO_SYSTEM (the system both releases change, default Billing).
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${1:-http://localhost:7071}
BASE=${BASE%/}
if [ -z "${CDEVENTS_SECRET:-}" ]; then
  CDEVENTS_SECRET=$(sed -n 's/^Webhooks__CDEvents__Secrets__dev=//p' "$REPO_ROOT/scripts/lib/dev-webhook-secrets.env")
fi
TIMEOUT=${DEMO_TIMEOUT:-600}
SYSTEM=${DEMO_SYSTEM:-Billing}
for tool in curl openssl python3; do
  command -v "$tool" >/dev/null || { echo "demo.sh needs $tool on the PATH." >&2; exit 1; }
done
# One interpreter for the whole script, found once: a version manager's shim (pyenv's) runs a few shell scripts on every
# call, which made each of the script's many small Python calls about five times as costly in CPU.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
curl -fsS "$BASE/api/health" >/dev/null || { echo "No local host at $BASE: start it with scripts/run-local.sh --demo." >&2; exit 1; }

say() { printf '%s  %s\n' "$(date -u +%T)" "$*"; }

# json EXPR: evaluates a Python expression over the JSON document on stdin (j), printing strings as they are, lists one per line.
json() {
  "$PYTHON" -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1])
if isinstance(v, (list, tuple)):
    print("\n".join(str(x) for x in v))
elif v is not None:
    print(v if isinstance(v, str) else json.dumps(v))
' "$1"
}

POLICY=$(curl -fsS "$BASE/api/policy")
policy() { printf '%s' "$POLICY" | json "$1"; }
person() { policy "j['approvers']['$1'][0]"; }

# api METHOD PATH [BODY]: a call of the API that must be accepted (2xx).
api() {
  local out code
  out=$(curl -sS -X "$1" "$BASE$2" -H 'content-type: application/json' ${3:+--data-binary "$3"} -w '\n%{http_code}')
  code=${out##*$'\n'}
  [[ $code == 2* ]] || { echo "$1 $2 answered $code: ${out%$'\n'*}" >&2; exit 1; }
  printf '%s' "${out%$'\n'*}"
}

# send TYPE RELEASE CONTENT_JSON [SYSTEM]: one CDEvents delivery, signed as docs/pipeline-events.md tells a pipeline.
send() {
  local id ts ev sig code
  id="demo-$(date +%s%N)-$RANDOM"
  ev=$(printf '{"specversion":"1.0","id":"%s","source":"/demo/pipeline","type":"%s","datacontenttype":"application/json","data":{"context":{"specversion":"0.4.1","id":"%s","source":"/demo/pipeline","type":"%s","timestamp":"%s"},"subject":{"id":"%s","source":"/demo/pipeline","content":%s},"customData":{"releaseId":"%s","system":"%s","version":"1.0.0"}}}' \
    "$id" "$1" "$id" "$1" "$(date -u +%FT%TZ)" "${4:-$2}" "$3" "$2" "$SYSTEM")
  ts=$(date +%s)
  sig=$(printf '%s.%s' "$ts" "$ev" | openssl dgst -sha256 -hmac "$CDEVENTS_SECRET" -hex | sed 's/^.* //')
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$BASE/api/webhooks/cdevents" -H 'content-type: application/cloudevents+json' \
    -H "X-Signature-Timestamp: $ts" -H "X-Signature: $sig" --data-binary "$ev")
  [ "$code" = 202 ] || { echo "The webhook answered $code to $1." >&2; exit 1; }
}

milestone() { say "  pipeline: milestone $2 reached (signed CDEvent)"; send dev.cdeventsx.releasefunctions-milestone.reached.0.1.0 "$1" "{\"milestone\":\"$2\"}"; }

# evidence RELEASE ITEM: a passing result of a gate item (its threshold's value when measured; about its environment when it names one).
evidence() {
  local item=$2 extra=""
  local value env
  value=$(policy "next(((i['threshold'] or {}).get('value') for g in j['qualityGates'].values() for i in g['items'] if i['id']=='$item'), None)")
  env=$(policy "next(((i.get('environment') or '') for g in j['qualityGates'].values() for i in g['items'] if i['id']=='$item'), None)" | tr '[:upper:]' '[:lower:]')
  [ -z "$value" ] || extra=",\"value\":$value"
  [ -z "$env" ] || extra="$extra,\"environment\":{\"id\":\"$env\"}"
  say "  pipeline: $item passed (signed CDEvent)"
  send dev.cdeventsx.releasefunctions-gate.evidence.0.1.0 "$1" "{\"item\":\"$item\",\"outcome\":\"success\"$extra}"
}

configuration() {
  local settings
  settings=$(policy "j['environments']['$(tr '[:lower:]' '[:upper:]' <<<"${2:0:1}")${2:1}']['requiredSettings']")
  say "  pipeline: configuration report of $2 (signed CDEvent)"
  send dev.cdeventsx.releasefunctions-gate.evidence.0.1.0 "$1" "{\"item\":\"environment-configuration\",\"environment\":{\"id\":\"$2\"},\"settings\":$settings}"
}

deployed() {
  say "  pipeline: deployed to $2 (signed CDEvent service.deployed)"
  send dev.cdevents.service.deployed.0.2.0 "$1" "{\"environment\":{\"id\":\"$2\"},\"artifactId\":\"pkg:generic/$SYSTEM@1.0.0\"}" "$SYSTEM"
}

# attest RELEASE ITEM: someone holding one of the item's attestation roles attests it through the API.
attest() {
  local roles who=""
  roles=$(policy "next((i['attestationRoles'] for g in j['qualityGates'].values() for i in g['items'] if i['id']=='$2'), None) or (j['successCriteria']['signOffRoles'] if '$2'==j['successCriteria']['signOffItem'] else j['emergencyReview']['reviewerRoles'])")
  for role in $roles; do who=$(person "$role") && break; done
  say "  $who ($role): attests $2 (API)"
  api POST "/api/releases/$1/evidence" "{\"item\":\"$2\",\"kind\":\"attestation\",\"by\":\"$who\",\"approved\":true,\"note\":\"Checked in the demo.\"}" >/dev/null
}

USED_LINKS=" "
# approve RELEASE: every approval link mailed for the release and not used yet, opened and approved on its page.
approve() {
  local links link form out approved=1
  links=$(curl -fsS "$BASE/dev/mailbox" | "$PYTHON" -c '
import re, sys
html = sys.stdin.read()
for item in re.findall(r"<li>(.*?)</li>", html, re.S):
    if "(" + sys.argv[1] + ")" in item and "approval by" in item:
        print("\n".join(re.findall(r"href=\"([^\"]*/approvals/[^\"]*)\"", item)))
' "$1")
  for link in $links; do
    case "$USED_LINKS" in *" $link "*) continue ;; esac
    USED_LINKS="$USED_LINKS$link "
    form=$(curl -fsS "$link" | sed -n 's/.*name="form" value="\([^"]*\)".*/\1/p' | head -1)
    [ -n "$form" ] || continue   # decided already, or the stage has moved on
    out=$(curl -sS -X POST "$link" --data-urlencode "form=$form" --data-urlencode decision=approve --data-urlencode "comment=Approved in the demo.")
    say "  approver: opened the emailed link …/approvals/${link##*/approvals/} and approved it: $(sed -n 's/.*<h1>\([^<]*\)<\/h1>.*/\1/p' <<<"$out" | head -1)"
    approved=0
  done
  return $approved
}

# play RELEASE UNTIL: acts on whatever the release waits for, until UNTIL (a Python condition on the release r) holds.
play() {
  local id=$1 until=$2 deadline=$(( $(date +%s) + TIMEOUT )) last="" r done stage status reason pending acted=0
  while :; do
    r=$(curl -fsS "$BASE/api/releases/$id")
    # One Python a poll (two releases polled every second): whether UNTIL holds, the status, the stage, the pending
    # approvals, and the reason last (tabs and newlines flattened).
    IFS=$'\t' read -r done status stage pending reason < <(printf '%s' "$r" | json "'\t'.join(['yes' if ($until) else 'no', j['status'], j.get('stage') or '-', str(len(j.get('pendingApprovals') or [])), ' '.join((j.get('statusReason') or '').split())])")
    [ "$stage" != - ] || stage=""
    if [ "$done" = yes ]; then
      say "$id: $status, stage $stage: $reason"
      return 0
    fi
    [ "$status" = Active ] || { echo "$id ended $status: $reason" >&2; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$id did not get there in ${TIMEOUT}s (stage $stage: $reason)" >&2; return 1; }
    if [ "$stage|$reason" != "$last" ]; then say "$id: $stage — $reason"; last="$stage|$reason"; acted=0; fi
    # Once acted, wait for the release to move; act again only when it has not moved for 15 s (e.g. an email came late).
    if [ $(( $(date +%s) - acted )) -lt 15 ]; then sleep 1; continue; fi
    case "$stage" in
      milestones)
        for m in $(policy "j['promotion']['milestones']"); do milestone "$id" "$m"; done ;;
      promotion:*)
        if [ "$pending" -gt 0 ]; then approve "$id" || { sleep 1; continue; }
        else
          for t in $(policy "[s['trigger'] for s in (j['promotion']['hotfixRoute'] if '$(printf '%s' "$r" | json "j['type']")'=='Hotfix' else j['promotion']['route']) if s['to'].lower()=='${stage#promotion:}'][0]"); do
            if policy "j['promotion']['milestones']" | grep -qx "$t"; then milestone "$id" "$t"
            elif [ "$(policy "next((i['satisfiedBy'] for g in j['qualityGates'].values() for i in g['items'] if i['id']=='$t'), None)")" = Attestation ]; then attest "$id" "$t"
            else evidence "$id" "$t"; fi
          done
        fi ;;
      gate:*)
        for item in $(printf '%s' "$r" | json "[g['item'] for g in (j.get('gates') or []) if g['verdict'] not in ('Passed','Waived')]"); do
          if [ "$item" = environment-configuration ]; then configuration "$id" "${stage#gate:}"
          elif [ "$(policy "next((i['satisfiedBy'] for g in j['qualityGates'].values() for i in g['items'] if i['id']=='$item'), None)")" = Attestation ]; then attest "$id" "$item"
          else evidence "$id" "$item"; fi
        done ;;
      deploy:*) deployed "$id" "${stage#deploy:}" ;;
      validation|watch)
        case "$reason" in *"without monitoring data"*) attest "$id" "$(policy "j['successCriteria']['signOffItem']")" ;; *) sleep 1; continue ;; esac ;;
      emergency-review) attest "$id" "$(policy "j['emergencyReview']['evidenceItem']")" ;;
      *) if [ "$pending" -gt 0 ]; then approve "$id" || { sleep 1; continue; }; else sleep 1; continue; fi ;;
    esac
    acted=$(date +%s)
  done
}

STAMP=$(date -u +%m%d-%H%M%S)-$RANDOM
ZONE=$(policy "j['timeZone']")
say "Dashboard: $BASE/   (mailbox: $BASE/dev/mailbox)"

# The two releases are played side by side (each line names its release); the script ends when both have got there.
played=()
if [ "${DEMO_ONLY:-hotfix}" != minor ]; then
  HOTFIX="demo-hotfix-$STAMP"
  TODAY=$(TZ="$ZONE" date +%F)
  say "Requester: requests Hotfix $HOTFIX for today ($TODAY, API) — $BASE/api/dashboard/releases/$HOTFIX"
  api POST /api/releases "{\"id\":\"$HOTFIX\",\"title\":\"Demo hotfix: expired certificate\",\"type\":\"Hotfix\",\"systems\":[\"$SYSTEM\"],\"targetDate\":\"$TODAY\"}" >/dev/null
  play "$HOTFIX" "j['status'] == 'Completed'" &
  played+=($!)
fi

if [ "${DEMO_ONLY:-minor}" != hotfix ]; then
  MINOR="demo-minor-$STAMP"
  TARGET=$(for d in $(seq 35 41); do TZ="$ZONE" date -d "+$d days" '+%F %u'; done | awk '$2 == 2 { print $1; exit }')
  say "Requester: requests Minor $MINOR for $TARGET (API) — $BASE/api/dashboard/releases/$MINOR"
  api POST /api/releases "{\"id\":\"$MINOR\",\"title\":\"Demo minor: invoice export\",\"type\":\"Minor\",\"systems\":[\"$SYSTEM\"],\"targetDate\":\"$TARGET\"}" >/dev/null
  play "$MINOR" "j.get('stage') == 'window'" &
  played+=($!)
fi

failed=0
for pid in "${played[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { echo "The demo did not finish: see the lines above." >&2; exit 1; }
say "Done. The dashboard: $BASE/"
