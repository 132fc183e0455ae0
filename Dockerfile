# FocusFlow container image: a static Go binary on a distroless base.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t focusflow .
#   docker run -p 8080:8080 -v focusflow-data:/data \
#     -e SECRET_KEY=... -e DATABASE_URL=sqlite:///data/focusflow.db focusflow
#
# Production settings (SECRET_KEY, DATABASE_URL, TRUST_PROXY_HOPS, ...) come
# from the platform's environment or secrets at run time, never from here.

# ---- build ------------------------------------------------------------------
# The image's Go must be at least go.mod's "go" line (the golang images set
# GOTOOLCHAIN=local): the 1.26 tag follows the newest 1.26.x patch release.
ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src

# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
ARG VERSION=dev
# Pure Go (the SQLite driver needs no cgo), so the binary is fully static.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/focusflow ./cmd/focusflow \
    && /out/focusflow version \
    && mkdir -p /out/data

# ---- run --------------------------------------------------------------------
# distroless/static: CA certificates (TLS to the database and Redis), /etc/passwd
# with the nonroot user (65532), no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/focusflow /app/focusflow
# The volume's mount point, owned by nonroot so a fresh named volume is
# writable (the SQLite database and, if configured, log files live here).
COPY --from=build --chown=65532:65532 /out/data /data

# ENVIRONMENT=production makes SECRET_KEY and DATABASE_URL mandatory and
# cookies Secure. Logs go to stdout, where the platform collects them;
# LOG_FILE=/data/logs/focusflow.log keeps a rotated file as well.
ENV ENVIRONMENT=production \
    DATA_DIR=/data \
    LOG_FILE=""

USER 65532:65532
VOLUME ["/data"]
EXPOSE 8080

# Probes http://127.0.0.1:$PORT/health (the image has no curl or shell).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/app/focusflow", "healthcheck"]

ENTRYPOINT ["/app/focusflow"]
CMD ["serve"]
