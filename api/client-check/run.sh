#!/usr/bin/env bash
# Generates the typed client from api/openapi.json and drives the main flow
# through it against a server: FOCUSFLOW_URL and FOCUSFLOW_TOKEN must be
# set. The tools come from .ci/node (npm install --prefix .ci/node).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
TOOLS=../../.ci/node/node_modules
# The script imports openapi-fetch by name: let tsc and Node find it.
ln -sfn "$(cd "$TOOLS" && pwd)" node_modules
"$TOOLS/.bin/openapi-typescript" ../openapi.json -o schema.d.ts
"$TOOLS/.bin/tsc" -p tsconfig.json
node out/check.js
