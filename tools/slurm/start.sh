#!/usr/bin/env bash
# A one-node Slurm on this machine, for the tests and for trying profiles/slurm: installs
# Debian's slurmctld, slurmd, slurm-client and munge when missing (as root), writes
# /etc/slurm/slurm.conf and starts munged, slurmctld and slurmd without systemd.
# Idempotent: a second call finds the daemons running and only checks them.
# tools/slurm/stop.sh stops them by their pid files.
# Exit status 2: Slurm cannot be installed or started here (not root, no apt-get, apt-get failed);
# 1: it should have started and did not (see the daemons' logs).
#
# Two partitions: "cpu" (the default) and "gpu", which is DOWN and whose node advertises one
# GPU it does not have: a job that asks for a GPU is accepted and stays PENDING, so that what
# was requested can be read with `scontrol show job` (no GPU exists here).
set -euo pipefail

CONF=/etc/slurm/slurm.conf   # the plugin's job step drops SLURM_CONF: it must be the default path
RUN=/run/vaelab-slurm        # pid files
LOG=/var/log/vaelab-slurm    # daemon logs
SPOOL=/var/spool/vaelab-slurm
# the plugin's first status check comes init_seconds_before_status_checks after a submission;
# squeue (no slurmdbd here) only reports a finished job for MinJobAge seconds, and the plugin
# falls back to sacct unless MinJobAge >= 3x that delay; an hour also keeps every job of a test
# run in `scontrol show job` until the test has read it
MIN_JOB_AGE=3600

die() { echo "tools/slurm/start.sh: $*" >&2; exit 1; }
cannot() { echo "tools/slurm/start.sh: $*" >&2; exit 2; }

running() {  # pid file -> true when its process is alive
    [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

missing=()
for pair in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge; do
    command -v "${pair%%:*}" >/dev/null || [[ -x /usr/sbin/${pair%%:*} ]] || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || cannot "Slurm is not installed (${missing[*]}) and installing it needs root: sudo $0"
    command -v apt-get >/dev/null || cannot "Slurm is not installed (${missing[*]}) and this is no Debian/Ubuntu (no apt-get)"
    echo "installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null 2>&1 \
        || cannot "apt-get install slurmctld slurmd slurm-client munge failed (no network or package index?)"
fi
[[ $(id -u) == 0 ]] || cannot "starting the Slurm daemons needs root: sudo $0"

mkdir -p /etc/slurm "$RUN" "$LOG" "$SPOOL/ctld" "$SPOOL/d" /run/munge
# the node as slurmd sees it (CPUs, sockets, cores, threads); memory: 90% of it, so that
# slurmd never finds less than slurm.conf promises
node=$(hostname -s)
topology=$(/usr/sbin/slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]* //' -e 's/ *RealMemory=[0-9]*//')
real_mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 * 9 / 10))
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$topology")

cat >"$CONF.new" <<CONF
# written by tools/slurm/start.sh: a one-node Slurm for vaelab's tests
ClusterName=vaelab
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/d
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
# what runs in this sandbox: no cgroups, no accounting daemon
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
# a job without a memory request gets this much per CPU instead of the whole node
DefMemPerCPU=1000
MinJobAge=$MIN_JOB_AGE
KillWait=5
InactiveLimit=0
ReturnToService=2
GresTypes=gpu
NodeName=$node NodeAddr=127.0.0.1 $topology RealMemory=$real_mem Gres=gpu:1 State=UNKNOWN
PartitionName=cpu Nodes=$node Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=$node MaxTime=INFINITE State=DOWN
CONF
# the advertised GPU is no device (/dev/null): a job of the gpu partition never runs
echo "NodeName=$node Name=gpu File=/dev/null" >/etc/slurm/gres.conf

if running "$RUN/slurmctld.pid" && running "$RUN/slurmd.pid" && running /run/munge/munged.pid \
    && scontrol ping 2>/dev/null | grep -q UP; then
    if cmp -s "$CONF.new" "$CONF"; then
        rm "$CONF.new"
    else
        mv "$CONF.new" "$CONF"
        scontrol reconfigure
    fi
    echo "Slurm is already running: $(sinfo -h -o '%P %D %T' | tr '\n' ';')"
    exit 0
fi
mv "$CONF.new" "$CONF"

if ! running /run/munge/munged.pid; then
    [[ -s /etc/munge/munge.key ]] || { mungekey --create --keyfile /etc/munge/munge.key 2>/dev/null || \
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; }
    chown munge:munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
    chmod 0400 /etc/munge/munge.key
    runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
fi
# -c: no state from an earlier start (jobs, a node drained by an earlier configuration)
running "$RUN/slurmctld.pid" || /usr/sbin/slurmctld -c
running "$RUN/slurmd.pid" || /usr/sbin/slurmd

for _ in $(seq 50); do
    state=$(sinfo -h -p cpu -o '%T' 2>/dev/null || true)
    if [[ $state == drain* || $state == inval* ]]; then
        scontrol update nodename="$node" state=resume 2>/dev/null || true
    fi
    if scontrol ping 2>/dev/null | grep -q UP && [[ $state =~ idle|mix|alloc ]]; then
        echo "Slurm is running: node $node ($cpus CPUs, ${real_mem} MB), partitions cpu and gpu (down)"
        exit 0
    fi
    sleep 0.2
done
die "the daemons did not come up; see $LOG/slurmctld.log and $LOG/slurmd.log"
