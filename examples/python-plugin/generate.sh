#!/usr/bin/env bash
# Regenerates the Python code of the plugin wire in gen/ from
#   ../../plugins/proto/socialrx/plugin/v1/plugin.proto  (the socialrx contracts)
#   proto/grpc_health/v1/health.proto                     (the health check go-plugin makes)
#   proto/google/rpc/status.proto                         (how gRPC carries error details)
#   proto/go_plugin/grpc_controller.proto, grpc_stdio.proto (go-plugin's own services)
# Needs Debian's protobuf-compiler (protoc, for the messages: the same
# protobuf release as python3-protobuf, so the code fits the runtime) and
# python3-grpc-tools (for the gRPC service stubs).
#
# Usage: examples/python-plugin/generate.sh [OUTDIR]
# Without OUTDIR the files are written to gen/; the staleness test passes a
# temporary OUTDIR and compares.
set -euo pipefail
cd "$(dirname "$0")"

out="${1:-gen}"
if [ "$out" = gen ]; then rm -rf gen; fi
mkdir -p "$out"
# The well-known types (any.proto, empty.proto, timestamp.proto) as
# python3-grpc-tools ships them.
wkt="$(/usr/bin/python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')"
protos=(socialrx/plugin/v1/plugin.proto grpc_health/v1/health.proto google/rpc/status.proto
  go_plugin/grpc_controller.proto go_plugin/grpc_stdio.proto)
include=(-I ../../plugins/proto -I proto -I "$wkt")

protoc "${include[@]}" --python_out="$out" "${protos[@]}"
/usr/bin/python3 -m grpc_tools.protoc "${include[@]}" --grpc_python_out="$out" "${protos[@]}"
