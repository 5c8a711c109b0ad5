#!/usr/bin/env bash
# The README's first command: installs what is missing (Debian packages, npm packages, the native
# addon, the TypeScript build) and runs the main job, `alzbench demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-deps.sh
npm ci --no-audit --no-fund
exec node bin/alzbench.js demo "$@"
