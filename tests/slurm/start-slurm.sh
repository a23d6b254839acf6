#!/usr/bin/env bash
# Start a one-node SLURM cluster on this machine for the `pytest -m slurm` tier.
#
# Needs root and Debian (apt); needs no systemd: every daemon is started by
# hand and remembered by a PID file under $CUMEX_SLURM_BASE/run, so that
# stop-slurm.sh stops exactly what this script started.  Safe to run twice:
# packages already installed are not touched, a daemon already running from
# the same base is left alone.
#
# Environment (all optional):
#   CUMEX_SLURM_BASE       state, spool, logs, PID files, slurm.conf  [/tmp/cumex-slurm]
#   CUMEX_SLURM_PARTITION  name of the only (default) partition        [debug]
#   CUMEX_SLURM_CPUS       CPUs the node advertises                    [nproc]
#   CUMEX_SLURM_MEM_MB     memory the node advertises (MB)             [4000]
#   CUMEX_SLURM_WAIT_S     seconds to wait for the node to be idle     [60]
#   SLURM_CONF             the slurm.conf to write     [/etc/slurm/slurm.conf]
#
# Why the default path: snakemake-executor-plugin-slurm-jobstep (0.6.1) drops
# every SLURM_* variable, SLURM_CONF included, before its nested `srun`, so a
# config anywhere else is invisible inside the jobs.  To never clobber a
# site's config, the script only overwrites a slurm.conf that it wrote itself
# (first line is its marker) and refuses otherwise.  The last line printed on
# stdout is `export SLURM_CONF=...`.
set -euo pipefail

base=${CUMEX_SLURM_BASE:-/tmp/cumex-slurm}
partition=${CUMEX_SLURM_PARTITION:-debug}
cpus=${CUMEX_SLURM_CPUS:-$(nproc)}
mem_mb=${CUMEX_SLURM_MEM_MB:-4000}
wait_s=${CUMEX_SLURM_WAIT_S:-60}
node=$(hostname -s)
export SLURM_CONF=${SLURM_CONF:-/etc/slurm/slurm.conf}
run=$base/run
logs=$base/log

say() { printf '[start-slurm] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
running() { [[ -s $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }

[[ $(id -u) -eq 0 ]] || die "run as root (the daemons run as root on this test node)"
command -v apt-get >/dev/null || die "needs a Debian-like system with apt-get"
mkdir -p "$run" "$logs" "$base/state" "$base/spool" "$(dirname "$SLURM_CONF")"

# --- packages ---------------------------------------------------------------
need=()
for pkg in munge slurmctld slurmd slurm-client; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
    say "apt-get install ${need[*]}"
    # A policy-rc.d that answers 101 keeps the packages' init scripts from
    # starting daemons with the distribution's config during the install.
    own_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } \
        >"$logs/apt.log" 2>&1; then
        ((own_policy)) && rm -f /usr/sbin/policy-rc.d
        tail -n 30 "$logs/apt.log" >&2
        die "apt-get failed (full log: $logs/apt.log)"
    fi
    ((own_policy)) && rm -f /usr/sbin/policy-rc.d
fi

# --- munge: shared authentication for all SLURM daemons and clients ---------
if [[ ! -s /etc/munge/munge.key ]]; then
    say "creating /etc/munge/munge.key"
    install -d -o munge -g munge -m 700 /etc/munge
    head -c 1024 /dev/urandom >/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
fi
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/lib/munge /var/log/munge
munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if munge_ok; then
    say "munged already running: reusing it"
else
    say "starting munged"
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 100); do munge_ok && break; sleep 0.1; done
    munge_ok || die "munged does not answer"
    # remember that this script started it, so stop-slurm.sh may stop it
    cp /run/munge/munged.pid "$run/munged.pid"
fi

# --- slurm.conf -------------------------------------------------------------
marker='# one-node test cluster of cumex (tests/slurm/start-slurm.sh); regenerated on every start'
if [[ -s $SLURM_CONF ]] && [[ $(head -n 1 "$SLURM_CONF") != "$marker" ]]; then
    die "$SLURM_CONF exists and was not written by this script; set SLURM_CONF to another path"
fi
conf_new=$SLURM_CONF.new
cat >"$conf_new" <<EOF
$marker
ClusterName=cumex
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
# no slurmdbd: sacct has no records, so Snakemake's executor must poll squeue
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# finished jobs stay visible to squeue for 5 min: the executor's squeue mode
# requires MinJobAge >= 3 x its first status-check delay
MinJobAge=300
# refuse (at sbatch time) a job that can never fit instead of queueing it forever
EnforcePartLimits=ALL
ReturnToService=2
InactiveLimit=0
KillWait=10
Waittime=0
SlurmctldTimeout=120
SlurmdTimeout=300
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=$partition Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
conf_changed=0
if cmp -s "$conf_new" "$SLURM_CONF"; then
    rm -f "$conf_new"
else
    mv "$conf_new" "$SLURM_CONF"
    conf_changed=1
fi

# --- daemons ----------------------------------------------------------------
if running "$run/slurmctld.pid"; then
    if ((conf_changed)); then say "config changed: scontrol reconfigure"; scontrol reconfigure || true; fi
else
    # a controller of another cluster on the standard port would answer our
    # clients with the wrong state: refuse rather than mix the two
    if (exec 3<>/dev/tcp/127.0.0.1/6817) 2>/dev/null; then
        die "port 6817 is taken by another slurmctld; stop it first"
    fi
    say "starting slurmctld"
    slurmctld   # daemonizes and writes SlurmctldPidFile
fi
for _ in $(seq 150); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.2; done
scontrol ping 2>/dev/null | grep -q 'is UP' || { tail -n 20 "$logs/slurmctld.log" >&2; die "slurmctld is not up"; }

if ! running "$run/slurmd.pid"; then
    say "starting slurmd"
    slurmd -N "$node"   # daemonizes and writes SlurmdPidFile
fi

# --- wait until the node takes jobs ------------------------------------------
deadline=$((SECONDS + wait_s))
while :; do
    state=$(sinfo -h -n "$node" -o '%t' 2>/dev/null || true)
    case $state in
        idle* | mix* | alloc*) break ;;
        # left down/drained by an earlier unclean stop: put it back in service
        down* | drain* | drng*) scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
    esac
    if ((SECONDS >= deadline)); then
        sinfo -N -l >&2 || true
        tail -n 20 "$logs/slurmctld.log" "$logs/slurmd.log" >&2 || true
        die "node $node not idle after ${wait_s}s (state: '${state}')"
    fi
    sleep 0.5
done
say "cluster up: node $node, partition $partition, $cpus CPUs, ${mem_mb} MB"
echo "export SLURM_CONF=$SLURM_CONF"
