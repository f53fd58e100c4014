#!/usr/bin/env bash
# Runs every example program against a separately started dsim (the
# simulator as a server), with a gateway path prefix, as a system team
# would against a test platform.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$bin"' EXIT
go build -o "$bin/dsim" ./cmd/dsim
for e in examples/*/; do
  name=$(basename "$e")
  [ "$name" = internal ] && continue
  go build -o "$bin/$name" "./$e"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin/dsim" -addr "127.0.0.1:$port" -prefix /ebus >"$bin/dsim.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

passed=0; failed=0
for e in examples/*/; do
  name=$(basename "$e")
  [ "$name" = internal ] && continue
  if "$bin/$name" -base "http://127.0.0.1:$port/ebus" >"$bin/$name.out" 2>&1 && grep -q "数据资产凭证已验签" "$bin/$name.out"; then
    echo "ok   example $name against dsim"; passed=$((passed+1))
  else
    echo "FAIL example $name against dsim:"; cat "$bin/$name.out"; failed=$((failed+1))
  fi
done
echo "dsim-examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
