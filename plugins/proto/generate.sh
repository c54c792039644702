#!/usr/bin/env bash
# Regenerates the Go code of the plugin wire from
# socialrx/plugin/v1/plugin.proto. Needs Go and protoc (Debian:
# `apt-get install protobuf-compiler`); the protoc plugins come from the Go
# module proxy at the pinned versions below.
#
# Usage: plugins/proto/generate.sh [OUTDIR]
# Without OUTDIR the generated files are written next to the .proto; the
# staleness test passes a temporary OUTDIR and compares.
set -euo pipefail
cd "$(dirname "$0")"

PROTOC_GEN_GO=google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC=google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2

out="${1:-.}"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
GOBIN="$bin" go install "$PROTOC_GEN_GO"
GOBIN="$bin" go install "$PROTOC_GEN_GO_GRPC"

protoc \
  --plugin=protoc-gen-go="$bin/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc" \
  --go_out="$out" --go_opt=paths=source_relative \
  --go-grpc_out="$out" --go-grpc_opt=paths=source_relative \
  socialrx/plugin/v1/plugin.proto
