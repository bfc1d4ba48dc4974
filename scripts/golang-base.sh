#!/usr/bin/env bash
# golang-base.sh: build a local stand-in for the official `golang:1.26` image
# from this machine's own Go toolchain, for machines that cannot pull from a
# container registry (the Dockerfile itself stays the one a user with a
# registry builds: `FROM golang:1.26`).
#
#   scripts/golang-base.sh            # builds localhost/golang:1.26 if missing
#   scripts/golang-base.sh -f         # rebuild even if present
#
# The image is a minimal Debian root (mmdebstrap --variant=minbase, from the
# machine's own apt sources) with the machine's Go installation at
# /usr/local/go and the machine's CA bundle at /etc/ssl/certs (TLS to the
# module proxy may be intercepted by a proxy whose root only that bundle has).
# podman resolves the short name `golang:1.26` to localhost/golang:1.26 when
# no registry is searched, so `FROM golang:1.26` builds with --pull=never.
#
# Needs root, podman and mmdebstrap (scripts/docker-test.sh installs them).
# Environment: GO_BASE_TAG (default localhost/golang:1.26), GOROOT_SRC
# (default: `go env GOROOT`), CA_BUNDLE (default the system bundle).
set -euo pipefail

die() { echo "golang-base: $*" >&2; exit 1; }
log() { echo "golang-base: $*" >&2; }

force=0
[[ "${1:-}" == "-f" ]] && force=1

TAG=${GO_BASE_TAG:-localhost/golang:1.26}
want_minor=${TAG##*:}                           # 1.26
CACHE=${NETMERA_MOCK_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/netmera-mock-tools}
mkdir -p "$CACHE"

command -v podman >/dev/null || die "podman is not installed"
command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed"

if [[ -z "${CONTAINERS_CONF:-}" ]]; then
  # runc, and ulimits a container can actually set in this kind of VM.
  export CONTAINERS_CONF="$CACHE/containers.conf"
  if [[ ! -s "$CONTAINERS_CONF" ]]; then
    printf '%s\n' '[containers]' \
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' \
      '[engine]' 'runtime = "runc"' >"$CONTAINERS_CONF"
  fi
fi

if [[ $force == 0 ]] && podman image exists "$TAG"; then
  log "$TAG already present"
  exit 0
fi

# The Go toolchain to copy in.
if [[ -z "${GOROOT_SRC:-}" ]]; then
  command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
  command -v go >/dev/null || die "no go on PATH and /usr/local/go/bin/go missing"
  GOROOT_SRC=$(go env GOROOT)
fi
[[ -x "$GOROOT_SRC/bin/go" ]] || die "$GOROOT_SRC/bin/go not found"
go_version=$("$GOROOT_SRC/bin/go" env GOVERSION)   # go1.26.8
go_version=${go_version#go}
case "$go_version" in
  "$want_minor" | "$want_minor".*) ;;
  *) die "the machine's Go is $go_version, the image tag asks for $want_minor" ;;
esac

CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
[[ -s "$CA_BUNDLE" ]] || die "CA bundle $CA_BUNDLE missing"

# Debian root from the machine's own apt sources (the mirror it can reach).
# shellcheck source=/dev/null
. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}
mirror=()
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  if [[ -s "$f" ]] && grep -q '^[^#]*\(URIs:\|deb \)' "$f"; then mirror=("$f"); break; fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/golang-base.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "building a $suite minbase root with Go $go_version (one to five minutes)"
t0=$(date +%s)
GOROOT_SRC=$(cd "$GOROOT_SRC" && pwd -P)
# shellcheck disable=SC2016 # $1 is the hook's argument: mmdebstrap expands it
hooks=(
  --customize-hook='mkdir -p "$1/usr/local" "$1/etc/ssl/certs" "$1/go/bin" "$1/go/src"'
  --customize-hook="copy-in $GOROOT_SRC /usr/local"
)
base=$(basename "$GOROOT_SRC")
[[ $base == go ]] || hooks+=(--customize-hook="mv \"\$1/usr/local/$base\" \"\$1/usr/local/go\"")
# shellcheck disable=SC2016
hooks+=(
  --customize-hook="upload $CA_BUNDLE /etc/ssl/certs/ca-certificates.crt"
  --customize-hook='chmod 1777 "$1/go"'
)
if ! mmdebstrap --quiet --variant=minbase --mode=root "${hooks[@]}" \
    "$suite" "$work/rootfs.tar" "${mirror[@]}" >"$work/mmdebstrap.log" 2>&1; then
  cat "$work/mmdebstrap.log" >&2
  die "mmdebstrap failed"
fi

log "root filesystem ready in $(( $(date +%s) - t0 ))s ($(du -m "$work/rootfs.tar" | cut -f1) MB); importing"
podman import --quiet \
  --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV GOPATH=/go' \
  --change 'ENV GOTOOLCHAIN=local' \
  --change "ENV GOLANG_VERSION=$go_version" \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'WORKDIR /go' \
  --change 'CMD ["bash"]' \
  --change 'LABEL netmera-mock.stand-in="official golang image stand-in built by scripts/golang-base.sh"' \
  --message "stand-in for golang:$want_minor from the machine's Go $go_version" \
  "$work/rootfs.tar" "$TAG" >/dev/null

# Prove it: the toolchain runs inside.
got=$(podman run --rm --pull=never --network=none "$TAG" go version) \
  || die "the stand-in image does not run go"
log "$TAG ready in $(( $(date +%s) - t0 ))s: $got"
