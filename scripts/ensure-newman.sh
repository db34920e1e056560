#!/usr/bin/env bash
# Install newman (Postman's command-line runner) from the npm registry into var/tools, once.
set -euo pipefail
cd "$(dirname "$0")/.."
NEWMAN_VERSION=6.2.2
prefix=var/tools/newman
if [[ -x "$prefix/node_modules/.bin/newman" ]] && [[ "$("$prefix/node_modules/.bin/newman" --version)" == "$NEWMAN_VERSION" ]]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "ensure-newman: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
echo "ensure-newman: installing newman $NEWMAN_VERSION into $prefix"
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "newman@$NEWMAN_VERSION" >/dev/null
"$prefix/node_modules/.bin/newman" --version
