#!/usr/bin/env bash
# Runs every check and test of the project: gofmt, go vet, and the Go tests
# with the race detector. The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
# The eight scenario examples and the quickstart against a separately started dsim.
./scripts/examples-dsim.sh
go test -race -count=1 -timeout 20m ./...
