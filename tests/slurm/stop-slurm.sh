#!/usr/bin/env bash
# Stop the one-node cluster that start-slurm.sh started from the same
# $CUMEX_SLURM_BASE: cancel its jobs, then stop each daemon by its PID file
# (munged only if start-slurm.sh started it), and remove the slurm.conf it wrote.  Never kills by name.
set -uo pipefail

base=${CUMEX_SLURM_BASE:-/tmp/cumex-slurm}
export SLURM_CONF=${SLURM_CONF:-/etc/slurm/slurm.conf}
run=$base/run

say() { printf '[stop-slurm] %s\n' "$*" >&2; }
running() { [[ -s $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }

stop() {  # stop NAME PIDFILE: SIGTERM, wait up to 10 s, then SIGKILL
    local name=$1 pidfile=$2 pid
    if ! running "$pidfile"; then
        rm -f "$pidfile"
        return 0
    fi
    pid=$(<"$pidfile")
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name ignored SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$pidfile"
}

# cancel leftover jobs first so that no slurmstepd outlives slurmd
if running "$run/slurmctld.pid"; then
    jobs=$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')
    if [[ -n ${jobs// /} ]]; then
        say "cancelling jobs: $jobs"
        # shellcheck disable=SC2086  # one argument per job id
        scancel $jobs 2>/dev/null
        for _ in $(seq 100); do
            [[ -z $(squeue -h -t R,CG -o %i 2>/dev/null) ]] && break
            sleep 0.1
        done
    fi
fi

stop slurmd "$run/slurmd.pid"
stop slurmctld "$run/slurmctld.pid"
if [[ -s $run/munged.pid ]]; then
    stop munged "$run/munged.pid"
    rm -f /run/munge/munged.pid
fi
# Remove the slurm.conf that start-slurm.sh wrote: with a config but no controller, every `scontrol`
# waits ~10 s for it, and snakemake-executor-plugin-slurm runs `scontrol show config` whenever
# Snakemake starts (even for local runs), so a stale config slows every workflow run on this machine.
marker='# one-node test cluster of cumex (tests/slurm/start-slurm.sh); regenerated on every start'
if [[ -f $SLURM_CONF ]] && [[ $(head -n 1 "$SLURM_CONF") == "$marker" ]]; then
    rm -f "$SLURM_CONF"
fi
say "stopped"
