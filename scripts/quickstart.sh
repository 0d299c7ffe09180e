#!/usr/bin/env bash
# Quickstart: dependencies, local servers, demo database, and a real sync of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/servers.sh
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npx tsx scripts/demo.ts
