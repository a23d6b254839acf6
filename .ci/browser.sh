#!/usr/bin/env bash
# CI, browser tier: headless Chromium (Debian's package, installed here if missing) renders the study's
# `snakemake --report` and its interactive page (results/<study>/explore.html); tests/browser/ checks
# them from the DOM, through the DevTools protocol, and from screenshots. About 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
pip install -q -e '.[test]'
timeout -k 30 900 python -m pytest -m browser -q
