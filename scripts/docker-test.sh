#!/usr/bin/env bash
# docker-test.sh: build the container image from the real Dockerfile, check
# it, run it, and run the contract suite against it, then run the README's
# compose command as written. `make docker-test` and CI call this. It needs
# root and no Docker engine: it uses podman.
#
#   bash scripts/docker-test.sh
#
# What it installs, and keeps, on purpose (it says so as it goes):
#   - Debian packages, if missing: podman buildah runc netavark aardvark-dns
#     iptables uidmap (to build and run containers without Docker),
#     mmdebstrap (to build the golang:1.26 stand-in), curl git procps
#     (smoke test, version stamp, process control). DOCKER_TEST_INSTALL=0
#     lists what is missing and stops instead.
#   - localhost/golang:1.26, a stand-in for the official image built from
#     this machine's Go (scripts/golang-base.sh), if no golang:1.26 exists:
#     base images cannot be pulled here.
#   - localhost/netmera-mock:latest, the image it built and checked.
#   - in $NETMERA_MOCK_TOOLS: a Docker Compose binary built from the module
#     proxy when no `docker compose` exists, and a containers.conf.
#   - buildah's cache mounts (the Go module and build caches of the image
#     build), so that the next build is quick.
# Everything else it makes is removed on exit, pass or fail: containers,
# networks, the podman API socket, background jobs, temporary files, and
# every image this run left untagged (build stages, replaced builds).
#
# Steps: install what is missing; build the golang:1.26 stand-in if needed;
# build the image; check size, user, labels and healthcheck; prove the
# healthcheck subcommand fails fast with no server; run the image and time
# start-to-healthy through its own HEALTHCHECK; smoke-test it with curl;
# run the contract suite against it from the host and from the image on a
# shared network; validate docker-compose.yml; then run
# `docker compose up --build --exit-code-from contract`, exactly as the
# README says, against podman's Docker API. One run at a time: a second
# waits for the first (a lock in $NETMERA_MOCK_TOOLS).
#
# Environment:
#   IMAGE             tag to build (default localhost/netmera-mock:latest)
#   VERSION           version stamped in (default `git describe --tags --always --dirty`)
#   MAX_IMAGE_BYTES   size limit, exclusive (default 20 MiB = 20971520)
#   HEALTHY_TIMEOUT   seconds to wait for healthy (default 60)
#   COMPOSE_VERSION   Docker Compose built from the module proxy when no
#                     `docker compose` exists (default v5.6.0)
#   NETMERA_MOCK_TOOLS  cache for tools, the containers.conf and the lock
#                     (default ~/.cache/netmera-mock-tools)
#   COMPOSE_UP        0 skips running docker-compose.yml for real (default 1)
#   DOCKER_TEST_INSTALL  0: do not install packages, fail naming them (default 1)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

IMAGE=${IMAGE:-localhost/netmera-mock:latest}
MAX_IMAGE_BYTES=${MAX_IMAGE_BYTES:-20971520}
HEALTHY_TIMEOUT=${HEALTHY_TIMEOUT:-60}
COMPOSE_VERSION=${COMPOSE_VERSION:-v5.6.0}
COMPOSE_UP=${COMPOSE_UP:-1}
DOCKER_TEST_INSTALL=${DOCKER_TEST_INSTALL:-1}
API_KEY=netmera-mock-key
CACHE=${NETMERA_MOCK_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/netmera-mock-tools}
mkdir -p "$CACHE"

# One run at a time: two would share the image tag and the stand-in. The
# script runs again under flock, which holds the lock itself (-o: what the
# run starts, podman's helpers included, does not inherit it).
if [[ "${DOCKER_TEST_LOCKED:-}" != 1 ]]; then
  export DOCKER_TEST_LOCKED=1
  lock="$CACHE/docker-test.lock"
  rc=0
  flock -n -E 75 -o "$lock" bash "$0" "$@" || rc=$?
  if [[ $rc == 75 ]]; then
    echo "another docker-test run holds $lock: waiting for it"
    exec flock -o "$lock" bash "$0" "$@"
  fi
  exit "$rc"
fi

T_START=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
step() { echo "== docker-test: $* ($(( $(ms_since "$T_START") / 1000 ))s)"; }
fail() { echo "docker-test: FAIL: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/docker-test.XXXXXX")
RUN_ID="nm-docker-test-$$"
CONTAINERS=()
NETWORKS=()
COMPOSE_PID=
SERVICE_PID=
PROJECT=
IMAGES_BEFORE=   # every image ID present when this run began (podman set up)
BUILT_ID=        # the image this run built and checked

# Ends a background job and what it started (the job is a subshell).
# killtree stops a process and its descendants. One that has exited
# already is not an error (under set -e it would fail the whole run).
killtree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do killtree "$child"; done
  kill "$1" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$PROJECT" ]]; then
    DOCKER_HOST="unix://$WORK/podman.sock" timeout 60 "${COMPOSE[@]}" -p "$PROJECT" -f docker-compose.yml \
      down --volumes --timeout 2 >/dev/null 2>&1
    podman ps -a -q --filter "label=com.docker.compose.project=$PROJECT" | xargs -r podman rm -f >/dev/null 2>&1
    podman network rm -f "${PROJECT}_default" >/dev/null 2>&1
  fi
  if [[ -n "$SERVICE_PID" ]]; then killtree "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null; fi
  for c in "${CONTAINERS[@]}"; do podman rm -f -t 2 "$c" >/dev/null 2>&1; done
  for n in "${NETWORKS[@]}"; do podman network rm -f "$n" >/dev/null 2>&1; done
  if [[ -n "$COMPOSE_PID" ]] && kill -0 "$COMPOSE_PID" 2>/dev/null; then
    killtree "$COMPOSE_PID"; wait "$COMPOSE_PID" 2>/dev/null
  fi
  # The tag goes back to the image this run checked (compose rebuilt it),
  # then every image this run made and left untagged goes: build stages,
  # replaced builds. podman rmi takes their untagged parents with them.
  if [[ -n "$BUILT_ID" ]]; then podman tag "$BUILT_ID" "$IMAGE" >/dev/null 2>&1; fi
  if [[ -n "$IMAGES_BEFORE" ]]; then
    local id removed=0
    for id in $(podman images -a -q --no-trunc --filter dangling=true 2>/dev/null); do
      grep -qx "$id" <<<"$IMAGES_BEFORE" && continue
      podman rmi "$id" >/dev/null 2>&1 && removed=$((removed + 1))
    done
    echo "== docker-test: removed $removed untagged image(s) this run made; kept: $(kept_images)"
  fi
  rm -rf "$WORK"
  if [[ $rc == 0 ]]; then
    echo "== docker-test: PASS in $(( $(ms_since "$T_START") / 1000 ))s"
  else
    echo "== docker-test: FAILED (exit $rc) after $(( $(ms_since "$T_START") / 1000 ))s" >&2
  fi
  exit $rc
}

# kept_images names the images left on purpose, with their sizes.
kept_images() {
  local ref seen=" " out=""
  for ref in "$IMAGE" localhost/netmera-mock:latest localhost/golang:1.26; do
    [[ "$seen" == *" $ref "* ]] && continue
    seen+="$ref "
    podman image exists "$ref" 2>/dev/null || continue
    out+="${out:+, }$ref ($(podman image inspect "$ref" --format '{{.Size}}' | awk '{ printf "%.1f MB", $1 / 1e6 }'))"
  done
  echo "${out:-none}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# podman without systemd logs an error for every container with a
# HEALTHCHECK (it cannot arm the timer; this script runs the check itself).
pm() {
  podman "$@" 2> >(grep -v -e 'unable to get systemd connection' -e 'failed to connect to syslog' >&2)
}

# ---------------------------------------------------------------------------
step "prerequisites"
[[ $(id -u) == 0 ]] || fail "run as root (podman and apt-get here need it)"
command -v go >/dev/null || fail "go not found (looked on PATH and in /usr/local/go/bin)"
# Debian's packages this script uses, and why. iptables is named: netavark
# (podman's network stack here) needs it but only suggests it.
pkgs=(podman buildah runc netavark aardvark-dns iptables uidmap mmdebstrap curl git procps)
why="podman buildah runc netavark aardvark-dns iptables uidmap: build and run containers without a Docker engine;
  mmdebstrap: build the golang:1.26 stand-in (no registry here); curl: smoke test; git: version stamp; procps: process control"
need=()
for pkg in "${pkgs[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$st" == "install ok installed" ]] || need+=("$pkg")
done
if ((${#need[@]})); then
  if [[ "$DOCKER_TEST_INSTALL" == 0 ]]; then
    fail "missing Debian packages: ${need[*]} (DOCKER_TEST_INSTALL=0: not installing them). Used for:
  $why"
  fi
  echo "installing Debian packages (they stay installed; DOCKER_TEST_INSTALL=0 stops here instead): ${need[*]}"
  echo "  $why"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq \
         && apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}"; } >"$WORK/apt.log" 2>&1; then
    tail -40 "$WORK/apt.log" >&2
    fail "apt-get install failed"
  fi
  echo "packages set up (with their dependencies): $(grep -c '^Setting up ' "$WORK/apt.log" || true)"
fi
podman --version

# runc, and ulimits a container can actually set in this kind of VM.
if [[ -z "${CONTAINERS_CONF:-}" ]]; then
  export CONTAINERS_CONF="$CACHE/containers.conf"
  printf '%s\n' '[containers]' \
    'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' \
    '[engine]' 'runtime = "runc"' >"$CONTAINERS_CONF"
fi
pm info >"$WORK/podman-info.txt" 2>&1 || { cat "$WORK/podman-info.txt" >&2; fail "podman info failed"; }
# What exists now is not this run's to remove.
IMAGES_BEFORE=$(podman images -a -q --no-trunc)$'\n'"none"

# Docker Compose, to validate docker-compose.yml: the docker CLI plugin if
# there is one, else the cached build, else build it now from the module
# proxy, in the background while the image builds.
COMPOSE=()
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
elif [[ -x "$CACHE/docker-compose-$COMPOSE_VERSION" ]]; then
  COMPOSE=("$CACHE/docker-compose-$COMPOSE_VERSION")
else
  COMPOSE=("$CACHE/docker-compose-$COMPOSE_VERSION")
  echo "building Docker Compose $COMPOSE_VERSION from the module proxy in the background, into $CACHE"
  echo "  (to validate and run docker-compose.yml; its module and build caches are temporary)"
  (
    set -e
    export GOMODCACHE="$WORK/compose-gomodcache" GOCACHE="$WORK/compose-gocache"
    src="$WORK/compose-src"
    mod=github.com/docker/compose/v5
    dir=$(cd "$WORK" && go mod download -json "$mod@$COMPOSE_VERSION" \
          | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -n "$dir" ]]
    # go install refuses a module with exclude directives: build it as the
    # main module instead.
    cp -r "$dir" "$src" && chmod -R u+w "$src"
    cd "$src"
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $mod/internal.Version=$COMPOSE_VERSION" \
      -o "$CACHE/docker-compose-$COMPOSE_VERSION.tmp" ./cmd
    mv "$CACHE/docker-compose-$COMPOSE_VERSION.tmp" "$CACHE/docker-compose-$COMPOSE_VERSION"
  ) >"$WORK/compose-build.log" 2>&1 &
  COMPOSE_PID=$!
fi

# ---------------------------------------------------------------------------
step "base image golang:1.26"
if pm image exists golang:1.26; then
  echo "present: $(pm image inspect golang:1.26 --format '{{.RepoTags}} {{.Id}}' | cut -c1-80)"
else
  echo "golang:1.26 is not available locally and cannot be pulled here: building a stand-in"
  bash scripts/golang-base.sh
  pm image exists golang:1.26 || fail "golang:1.26 still does not resolve after scripts/golang-base.sh"
fi

# ---------------------------------------------------------------------------
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
REVISION=$(git rev-parse HEAD 2>/dev/null || true)
step "build $IMAGE (version $VERSION)"
old_id=$(pm image inspect "$IMAGE" --format '{{.Id}}' 2>/dev/null || true)
t=$(date +%s%N)
build_args=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION"
            --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
for v in GOPROXY GOFLAGS GONOSUMDB GOPRIVATE GOSUMDB; do
  build_args+=(--build-arg "$v=$(go env "$v")")
done
# --format docker: the OCI format has no HEALTHCHECK. --pull=never: the
# base is local (a registry's or the stand-in); scratch needs nothing.
if ! pm build --pull=never --format docker "${build_args[@]}" -t "$IMAGE" -f Dockerfile . \
     >"$WORK/build.log" 2>&1; then
  tail -60 "$WORK/build.log" >&2
  fail "podman build failed"
fi
echo "built in $(ms_since "$t") ms"
new_id=$(pm image inspect "$IMAGE" --format '{{.Id}}')
BUILT_ID=$new_id
if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
  pm rmi "$old_id" >/dev/null 2>&1 || true   # the previous build, now untagged
fi

# ---------------------------------------------------------------------------
step "image checks"
size=$(pm image inspect "$IMAGE" --format '{{.Size}}')
awk -v s="$size" -v m="$MAX_IMAGE_BYTES" 'BEGIN { printf "image size: %d bytes = %.2f MB = %.2f MiB (limit: under %d bytes = %.2f MiB)\n", s, s/1e6, s/1048576, m, m/1048576 }'
(( size < MAX_IMAGE_BYTES )) || fail "image is $size bytes, limit is $MAX_IMAGE_BYTES"
user=$(pm image inspect "$IMAGE" --format '{{.Config.User}}')
[[ "$user" == 65532:65532 ]] || fail "image user is '$user', want 65532:65532"
hc=$(pm image inspect "$IMAGE" --format '{{json .Config.Healthcheck}}')
[[ "$hc" == *'"/netmera-mock","healthcheck"'* ]] || fail "image HEALTHCHECK is $hc"
label=$(pm image inspect "$IMAGE" --format '{{index .Config.Labels "org.opencontainers.image.version"}}')
[[ "$label" == "$VERSION" ]] || fail "org.opencontainers.image.version is '$label', want '$VERSION'"
got=$(pm run --rm --network=none "$IMAGE" -version)
[[ "$got" == "netmera-mock $VERSION" ]] || fail "-version printed '$got', want 'netmera-mock $VERSION'"
echo "user $user, healthcheck $hc, version $got"

# The healthcheck subcommand is in the image and fails fast with no server.
t=$(date +%s%N)
if pm run --rm --network=none "$IMAGE" healthcheck -url http://127.0.0.1:1/_mock/health -timeout 2s \
     >"$WORK/hc.out" 2>&1; then
  cat "$WORK/hc.out" >&2; fail "healthcheck succeeded with no server"
fi
hc_ms=$(ms_since "$t")
grep -q 'healthcheck:' "$WORK/hc.out" || { cat "$WORK/hc.out" >&2; fail "healthcheck did not say why it failed"; }
(( hc_ms < 10000 )) || fail "healthcheck took ${hc_ms} ms to fail"
echo "healthcheck with no server: failed as it should, in ${hc_ms} ms (podman run included): $(grep -o 'healthcheck:.*' "$WORK/hc.out" | head -1)"

# ---------------------------------------------------------------------------
step "run and wait for healthy"
net="$RUN_ID-net"
pm network create "$net" >/dev/null
NETWORKS+=("$net")
name="$RUN_ID-fake"
t=$(date +%s%N)
CONTAINERS+=("$name")
# -time-zone: the image has no zone database, so this starts only with
# the one the binary carries.
pm run -d --name "$name" --network "$net" --network-alias netmera-mock \
  -p 127.0.0.1::8080 "$IMAGE" -time-zone Europe/Istanbul >/dev/null
healthy_ms=
deadline=$(( $(date +%s) + HEALTHY_TIMEOUT ))
while (( $(date +%s) < deadline )); do
  # Runs the image's own HEALTHCHECK command inside the container and
  # records the result (podman has no systemd timer here to do it).
  if pm healthcheck run "$name" >/dev/null 2>&1; then healthy_ms=$(ms_since "$t"); break; fi
  state=$(pm inspect "$name" --format '{{.State.Status}}')
  if [[ "$state" != running && "$state" != created ]]; then
    pm logs "$name" >&2 || true
    fail "container is $state"
  fi
  sleep 0.1
done
[[ -n "$healthy_ms" ]] || { pm logs "$name" >&2 || true; fail "not healthy within ${HEALTHY_TIMEOUT}s"; }
status=$(pm inspect "$name" --format '{{.State.Health.Status}}')
[[ "$status" == healthy ]] || fail "health status is '$status' after a passing check"
port=$(pm port "$name" 8080/tcp | head -1)
port=${port##*:}
BASE="http://127.0.0.1:$port"
echo "start-to-healthy: ${healthy_ms} ms (podman run to the first passing HEALTHCHECK); status $status; published at $BASE"

# ---------------------------------------------------------------------------
step "smoke test $BASE"
code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
c=$(code -X POST "$BASE/rest/3.0/tagUsers" -H "X-netmera-api-key: $API_KEY" \
      -H 'Content-Type: application/json' -d '{"tag":"Sport","extIds":["id1","id2"]}')
[[ "$c" == 200 && ! -s "$WORK/body" ]] || fail "tagUsers: $c $(cat "$WORK/body")"
c=$(code -G "$BASE/rest/3.0/getProfileAttributes" -H "X-netmera-api-key: $API_KEY" --data-urlencode extId=id1)
if [[ "$c" != 200 ]] || ! grep -q '"extId":"id1"' "$WORK/body"; then
  fail "getProfileAttributes: $c $(cat "$WORK/body")"
fi
c=$(code -G "$BASE/rest/3.0/getProfileAttributes" -H "X-netmera-api-key: wrong-key" --data-urlencode extId=id1)
[[ "$c" == 403 ]] || fail "wrong key: $c $(cat "$WORK/body"), want 403"
echo "tagUsers 200 empty, getProfileAttributes 200 JSON, wrong key 403"

# ---------------------------------------------------------------------------
step "contract suite"
go build -o "$WORK/netmera-mock" ./cmd/netmera-mock >"$WORK/go-build.log" 2>&1 \
  || { cat "$WORK/go-build.log" >&2; fail "go build ./cmd/netmera-mock failed"; }
report="$WORK/contract-report.json"
echo "-- from the host against the published port (with -report, removed on exit)"
"$WORK/netmera-mock" contract -base-url "$BASE" -api-key "$API_KEY" -report "$report" \
  >"$WORK/contract-host.out" 2>&1 || { cat "$WORK/contract-host.out" >&2; fail "contract suite (host) failed"; }
grep -E '^(FAIL|SKIP)' "$WORK/contract-host.out" || true
tail -1 "$WORK/contract-host.out"
[[ "$(head -c 1 "$report")" == "{" ]] || fail "-report wrote no JSON: $(head -c 200 "$report")"
echo "-- from the image, as docker-compose.yml's contract service: -base-url http://netmera-mock:8080"
CONTAINERS+=("$RUN_ID-contract")
pm run --rm --name "$RUN_ID-contract" --network "$net" "$IMAGE" \
  contract -wait 10s -base-url http://netmera-mock:8080 -api-key "$API_KEY" \
  >"$WORK/contract-image.out" 2>&1 || { cat "$WORK/contract-image.out" >&2; fail "contract suite (in the image) failed"; }
grep -E '[0-9]+ passed, [0-9]+ failed' "$WORK/contract-image.out" | tail -1

# ---------------------------------------------------------------------------
step "validate docker-compose.yml"
if [[ -n "$COMPOSE_PID" ]]; then
  echo "waiting for the Docker Compose build"
  if ! wait "$COMPOSE_PID"; then
    COMPOSE_PID=
    tail -30 "$WORK/compose-build.log" >&2
    fail "could not build Docker Compose $COMPOSE_VERSION from the module proxy"
  fi
  COMPOSE_PID=
fi
"${COMPOSE[@]}" version
# `config` parses the file, checks it against the compose schema (unknown
# keys, bad conditions, bad durations) and resolves it; no engine needed.
"${COMPOSE[@]}" -f docker-compose.yml config --quiet || fail "docker-compose.yml does not validate"
resolved=$("${COMPOSE[@]}" -f docker-compose.yml config --format json)
for want in '"netmera-mock"' '"contract"' '"-wait"' '"/netmera-mock"' '"healthcheck"' '"target": 8080'; do
  grep -q -- "$want" <<<"$resolved" || fail "docker-compose.yml: resolved config lacks $want"
done
# podman without systemd never reports a container healthy: a
# service_healthy condition would make `compose up` wait forever here.
if grep -q '"service_healthy"' <<<"$resolved"; then
  fail "docker-compose.yml waits on service_healthy, which podman without systemd never reaches; let the service wait itself (contract -wait)"
fi
echo "docker-compose.yml: valid; services: $("${COMPOSE[@]}" -f docker-compose.yml config --services | tr '\n' ' ')"

# ---------------------------------------------------------------------------
if [[ "$COMPOSE_UP" != 0 ]]; then
  step "the README's compose command, through podman's Docker API"
  sock="$WORK/podman.sock"
  podman system service --time=0 "unix://$sock" >"$WORK/podman-service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 100); do [[ -S "$sock" ]] && break; sleep 0.1; done
  [[ -S "$sock" ]] || { cat "$WORK/podman-service.log" >&2; fail "podman system service did not start"; }
  # `docker compose` as the README writes it: the docker CLI with the
  # Compose plugin (a temporary DOCKER_CONFIG lends it the binary above if
  # it has none); without a docker CLI, the Compose binary itself.
  if docker compose version >/dev/null 2>&1; then
    DC=(docker compose)
  elif command -v docker >/dev/null 2>&1; then
    mkdir -p "$WORK/docker-config/cli-plugins"
    ln -s "$(command -v "${COMPOSE[0]}" || echo "${COMPOSE[0]}")" "$WORK/docker-config/cli-plugins/docker-compose"
    export DOCKER_CONFIG="$WORK/docker-config"
    DC=(docker compose)
  else
    DC=("${COMPOSE[@]}")
  fi
  PROJECT="$RUN_ID"
  # A free loopback port for the fake's published port.
  hport=
  for p in $(seq 20000 20100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then hport=$p; break; fi
  done
  [[ -n "$hport" ]] || fail "no free port in 20000-20100"
  # The command is the README's, word for word; the environment only
  # points it at podman, names the project and moves the host port.
  echo "DOCKER_HOST=unix://$sock COMPOSE_PROJECT_NAME=$PROJECT NETMERA_MOCK_PORT=$hport NETMERA_MOCK_VERSION=$VERSION \\"
  echo "  ${DC[*]} up --build --exit-code-from contract"
  t=$(date +%s%N)
  if ! DOCKER_HOST="unix://$sock" COMPOSE_PROJECT_NAME="$PROJECT" NETMERA_MOCK_PORT="$hport" \
       NETMERA_MOCK_VERSION="$VERSION" timeout 600 \
       "${DC[@]}" up --build --exit-code-from contract >"$WORK/compose-up.log" 2>&1; then
    tail -40 "$WORK/compose-up.log" >&2
    fail "docker compose up: the contract service did not pass (or 600 s ran out)"
  fi
  up_ms=$(ms_since "$t")
  grep -E 'contract-1 .*healthy after' "$WORK/compose-up.log" | tail -1 || true
  grep -E 'contract-1 .*[0-9]+ passed, [0-9]+ failed' "$WORK/compose-up.log" | tail -1 \
    || { tail -40 "$WORK/compose-up.log" >&2; fail "docker compose up: no contract summary"; }
  echo "compose up --build: image built, fake started, contract service waited for it and passed; exit 0 in ${up_ms} ms"
fi

step "done"
