#!/usr/bin/env bash
# Measures how long netmera-mock takes to start with many users: the
# "startup_ms" the binary logs when it is ready (seeding included), the wall
# time from exec to that line, and the peak resident memory. Linux only
# (it reads /proc). Usage: scripts/startup.sh [users] [runs]
set -euo pipefail
users=${1:-1000000}
runs=${2:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bin=$dir/netmera-mock
go build -o "$bin" ./cmd/netmera-mock
for run in $(seq "$runs"); do
	log=$dir/run-$run.log
	start=$(date +%s%N)
	"$bin" -users "$users" -addr 127.0.0.1:0 -log-format json >"$log" 2>&1 &
	pid=$!
	until grep -q '"netmera-mock ready"' "$log"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$log" >&2
			exit 1
		fi
		sleep 0.1
	done
	ready=$(date +%s%N)
	peak=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
	kill -INT "$pid"
	wait "$pid" || true
	logged=$(sed -n 's/.*"netmera-mock ready".*"startup_ms":\([0-9.]*\).*/\1/p' "$log")
	awk -v run="$run" -v users="$users" -v wall=$((ready - start)) -v logged="$logged" -v peak="$peak" 'BEGIN {
		printf "run %d: %d users, ready after %.2f s (logged %.2f s), peak RSS %d MB\n", run, users, wall / 1e9, logged / 1e3, peak
	}'
	rm -f "$log"
done
