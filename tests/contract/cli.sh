#!/usr/bin/env bash
# The schemathesis CLI against a real uvicorn: every check, every phase (stateful too),
# one fresh server per spec so that admin resets cannot disturb a vendor's run.
# The fixture and the servers' logs go to a temporary directory, removed on exit; when a
# run fails, its server's log is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
PORT=${CONTRACT_PORT:-18765}
TOKEN=contract-admin-token
WORK=$(mktemp -d)
FIXTURE=$WORK/contract-fixture.yaml  # the demo accounts, which the specs' examples use
MAX_EXAMPLES=${CONTRACT_MAX_EXAMPLES:-60}

start_server() {
  SESSIM_ADMIN_TOKEN=$TOKEN $BIN/sessim serve --port "$PORT" --store memory:// \
    --seed "$FIXTURE" --argon2-time-cost 1 --argon2-memory-kib 8 >"$WORK/$1.log" 2>&1 &
  SERVER=$!
}

run_api() {
  local api=$1; shift
  [ -n "${SERVER:-}" ] || start_server "$api"
  if ! PYTHONPATH=. SCHEMATHESIS_HOOKS=tests.contract.hooks $BIN/schemathesis run "http://127.0.0.1:$PORT/$api/openapi.json" \
    --wait-for-schema 30 --checks all --phases examples,coverage,fuzzing,stateful \
    --max-examples "$MAX_EXAMPLES" --seed 20261121 --workers 1 "$@"; then
    echo "--- sessim serve log of the $api run ---" >&2
    cat "$WORK/$api.log" >&2
    return 1
  fi
  stop_server
}

stop_server() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=
}
trap 'stop_server; rm -rf "$WORK"' EXIT

PYTHONPATH=. $BIN/python -m tests.contract.fixture "$FIXTURE"
run_api vestiaire
run_api okta -H "Authorization: SSWS $($BIN/python -c 'import yaml; print(yaml.safe_load(open("'"$FIXTURE"'"))["okta"]["api_tokens"][0])')"
run_api _admin -H "Authorization: Bearer $TOKEN"

# Optimizely: the demo storefront client by Basic auth on the token call; the sessions
# with the bearer of the demo buyer, signed in first (DELETE signs out part-way: later
# calls then take the 401 or the anonymous session the spec documents).
OPTI="$BIN/python -m tests.contract.optimizely_login $FIXTURE http://127.0.0.1:$PORT"
# No links among the identity calls: no stateful phase for them.
run_api optimizely --include-tag Identity --phases examples,coverage,fuzzing -H "Authorization: $(PYTHONPATH=. $OPTI basic)"
start_server optimizely
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/_admin/health" >/dev/null && break; sleep 0.05; done
OPTI_BEARER=$(PYTHONPATH=. $OPTI bearer)
run_api optimizely --include-tag Sessions -H "Authorization: $OPTI_BEARER"

# SFCC: the demo client id on every call, and a guest JWT for /sessions and the logout
# (which revokes it part-way: later calls then take the 401 the spec documents).
SFCC_CLIENT=$($BIN/python -c 'import yaml; print(yaml.safe_load(open("'"$FIXTURE"'"))["sfcc"]["clients"][0]["client_id"])')
start_server sfcc
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/_admin/health" >/dev/null && break; sleep 0.05; done
SFCC_JWT=$(curl -sS -D - -o "$WORK/guest.json" -H "x-dw-client-id: $SFCC_CLIENT" -H 'Content-Type: application/json' \
  -d '{"type":"guest"}' "http://127.0.0.1:$PORT/sfcc/s/-/dw/shop/20.8/customers/auth" \
  | tr -d '\r' | sed -n 's/^[Aa]uthorization: //p')
[ -n "$SFCC_JWT" ] || { echo "no SFCC guest token: $(cat "$WORK/guest.json")" >&2; exit 1; }
run_api sfcc -H "x-dw-client-id: $SFCC_CLIENT" -H "Authorization: $SFCC_JWT"
