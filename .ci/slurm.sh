#!/usr/bin/env bash
# CI, SLURM tier: a one-node SLURM cluster on this machine (root, Debian, no systemd) started and
# stopped by the test fixture (tests/slurm/start-slurm.sh, stop-slurm.sh), and a small study run through
# `snakemake --profile profiles/slurm`. Takes about 3 minutes, most of it SLURM status polling.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
pip install -q -e '.[test,slurm]'
# timeout -k: Snakemake ignores SIGTERM while SLURM jobs are pending
timeout -k 60 1800 python -m pytest -m slurm -q
