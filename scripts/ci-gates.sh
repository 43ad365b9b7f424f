#!/usr/bin/env bash
# The checks CI runs besides the tests, each a gate of its own: formatting, lint, types (the
# whole project: tests and benchmarks too, which the build never compiles), generated code
# against spec/, and completion scripts against the command tree. Every gate runs even when an
# earlier one failed, so one CI log names every problem.
#
#   bash scripts/ci-gates.sh     prints one line per gate; exits with the number that failed
#
# .ci/run counts each failed gate as one failed test. Run it alone before pushing: it takes
# about a minute, the test suite far longer.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
gate() {
  local name=$1
  shift
  if "$@"; then
    echo "gate passed: $name"
  else
    echo "gate FAILED: $name (run: $*)"
    failed=$((failed + 1))
  fi
}

gate 'formatting' npm run --silent format:check
gate 'lint' npm run --silent lint
gate 'typecheck' npm run --silent typecheck
gate 'generated code (src/gen)' npm run --silent gen:check
# The completion scripts are printed by the built CLI, so the check needs a fresh dist/.
gate 'completions' bash -c 'npm run --silent build && npm run --silent gen:completions:check'

echo "gates: $failed failed"
exit "$failed"
