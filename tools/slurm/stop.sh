#!/usr/bin/env bash
# Stops what tools/slurm/start.sh started: cancels the jobs left, then slurmd, slurmctld and
# munged, each by its pid file. Idempotent.
set -uo pipefail
RUN=/run/vaelab-slurm

stop() {  # pid file
    [[ -s $1 ]] || return 0
    local pid
    pid=$(cat "$1")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$1"
}

if [[ -s $RUN/slurmctld.pid ]] && kill -0 "$(cat "$RUN/slurmctld.pid")" 2>/dev/null; then
    scancel --full --quiet --user=root 2>/dev/null || true
    for _ in $(seq 50); do
        [[ -z $(squeue -h -t running,completing -o %i 2>/dev/null) ]] && break
        sleep 0.2
    done
fi
stop "$RUN/slurmd.pid"
stop "$RUN/slurmctld.pid"
stop /run/munge/munged.pid
echo "Slurm stopped"
