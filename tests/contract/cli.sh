#!/usr/bin/env bash
# The deep contract run (`make contract`): the schemathesis CLI against a real uvicorn, every
# check, every phase (stateful too), 60 examples, one fresh server per run. The runs, and
# their command lines, come from the registry (tests/contract/plan.py): all of them, or the
# one named by its API and index (`cli.sh okta 0`, as tests/contract/test_cli.py names them).
# The fixture and the servers' logs go to a temporary directory, removed on exit; when a
# run fails, its server's log is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
PORT=${CONTRACT_PORT:-18765}
BASE=http://127.0.0.1:$PORT
TOKEN=contract-admin-token
WORK=$(mktemp -d)
FIXTURE=$WORK/contract-fixture.yaml  # the demo accounts, which the specs' examples use
MAX_EXAMPLES=${CONTRACT_MAX_EXAMPLES:-60}
export PYTHONPATH=.

start_server() {
  SESSIM_ADMIN_TOKEN=$TOKEN $BIN/sessim serve --port "$PORT" --store memory:// \
    --seed "$FIXTURE" --argon2-time-cost 1 --argon2-memory-kib 8 >"$WORK/$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 200); do curl -sf "$BASE/_admin/health" >/dev/null && return; sleep 0.05; done
}

stop_server() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=
}
trap 'stop_server; rm -rf "$WORK"' EXIT

run_api() {
  local api=$1 index=$2 log="$1-$2"
  start_server "$log"
  local args
  $BIN/python -m tests.contract.plan args "$api" "$index" "$WORK" "$BASE" "$TOKEN" "$MAX_EXAMPLES" >"$WORK/args"
  mapfile -t args <"$WORK/args"
  echo "--- $api, run $index ---"
  if ! SCHEMATHESIS_HOOKS=tests.contract.hooks $BIN/schemathesis "${args[@]}"; then
    echo "--- sessim serve log of the $api run $index ---" >&2
    cat "$WORK/$log.log" >&2
    return 1
  fi
  stop_server
}

$BIN/python -m tests.contract.plan prepare "$WORK"
mapfile -t RUNS <"$WORK/runs"
if [ $# -gt 0 ]; then
  printf '%s\n' "${RUNS[@]}" | grep -qxF "$*" || { echo "no run '$*' in: ${RUNS[*]}" >&2; exit 2; }
  RUNS=("$*")
fi
for run in "${RUNS[@]}"; do
  run_api $run  # the API's name and the run's index
done
