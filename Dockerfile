# netmera-mock: a local, stateful fake of the Netmera REST API, as a container.
#
#   docker build -t netmera-mock --build-arg VERSION=$(git describe --tags --always --dirty) .
#   docker run --rm -p 8080:8080 netmera-mock
#
# The build stage uses the official Go image; the shipped image is `scratch`
# with one static binary, so nothing but the build stage is ever pulled.
# docs/docker.md has compose, testcontainers-go and the offline build path.

# ---- build -------------------------------------------------------------------
FROM golang:1.26 AS build

# Reach the module proxy from inside the build: pass the host's settings, e.g.
#   --build-arg GOPROXY="$(go env GOPROXY)" --build-arg GOFLAGS=...
# Unset (the default) means Go's own defaults.
ARG GOPROXY
ARG GOFLAGS
ARG GONOSUMDB
ARG GOPRIVATE
ARG GOSUMDB

ENV CGO_ENABLED=0

WORKDIR /src

# Modules first, into a cache mount that survives between builds (BuildKit
# and buildah): they are downloaded once, not kept in a layer of their own.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download && go mod verify

# Then the source.
COPY . .

ARG VERSION=dev
# The compiler's cache survives between builds too; without it every
# source change recompiles every dependency.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/netmera-mock ./cmd/netmera-mock \
    && /out/netmera-mock -version \
    && mkdir -p /out/data

# ---- ship --------------------------------------------------------------------
FROM scratch

ARG VERSION=dev
ARG REVISION=
ARG CREATED=
LABEL org.opencontainers.image.title="netmera-mock" \
      org.opencontainers.image.description="A local, stateful fake of the Netmera REST API for integration tests" \
      org.opencontainers.image.source="https://github.com/netmera-mock/netmera-mock" \
      org.opencontainers.image.url="https://github.com/netmera-mock/netmera-mock" \
      org.opencontainers.image.documentation="https://github.com/netmera-mock/netmera-mock/blob/main/docs/docker.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="scratch"

# CA roots, for `netmera-mock contract -base-url https://...` against a live API.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/netmera-mock /netmera-mock
# A writable place for -state-file (mount a volume on /data to keep it).
COPY --from=build --chown=65532:65532 /out/data /data

# Every flag of the binary is also an environment variable NETMERA_MOCK_<FLAG>,
# e.g. NETMERA_MOCK_API_KEY, NETMERA_MOCK_USERS, NETMERA_MOCK_SEED.
ENV NETMERA_MOCK_ADDR=:8080

USER 65532:65532
EXPOSE 8080

# The binary probes itself (scratch has no curl): exit 0 when
# /_mock/health answers 200 on 127.0.0.1:8080.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/netmera-mock", "healthcheck"]

ENTRYPOINT ["/netmera-mock"]
