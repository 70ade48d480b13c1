# Threads and the run's start and end: how many cores a job claims and gives torch, and the
# checks and signal handling before any job (Slurm's preflight, SIGTERM).


# --- threads -------------------------------------------------------------------------
# A job's threads are the real cores it uses, and torch is set to that many, on every executor.
# Locally, Snakemake trusts --cores, so `--cores 8` on a 2-core machine would run eight 1-thread
# jobs at once: there a job that uses n cores claims n * cores / CPU_COUNT scheduler threads,
# and torch is set to n. On a cluster (an executor that submits jobs, e.g. slurm, and inside
# its jobs) a job's threads are the CPUs it asks for (Slurm's cpus_per_task): no scaling.
CPU_COUNT = len(os.sched_getaffinity(0))


def scheduler_cores():
    try:
        return workflow.cores
    except WorkflowError:  # dry runs need no --cores
        return CPU_COUNT


def runs_locally():
    """True unless the jobs run on a cluster: in the process that submits them (the executor is
    known once the workflow executes, after this file is read) and inside a submitted job."""
    if workflow.remote_exec:
        return False
    plugin = workflow.executor_plugin
    return plugin is None or plugin.common_settings.local_exec


def job_threads(real):
    """The threads of jobs that use `real` cores (a function: it asks for the executor)."""

    def threads(wildcards):
        if not runs_locally():
            return real
        return max(1, real * max(scheduler_cores(), CPU_COUNT) // CPU_COUNT)

    return threads


def torch_threads(wildcards, threads):
    if not runs_locally():
        return threads
    return max(1, min(threads, threads * CPU_COUNT // max(scheduler_cores(), CPU_COUNT)))


# Before a Slurm run submits anything: Slurm answers, every partition asked for exists, every
# job fits on a node (src/vaelab/slurm.py says what to do when not). The executor is known here.
# First, SIGTERM (clusters, `timeout`) stops the run as Ctrl-C does, not after its jobs end.
onstart:
    from vaelab.stopping import stop_on_sigterm

    stop_on_sigterm()
    name_cached_rules()
    if workflow.executor_plugin is not None and workflow.executor_plugin.name == "slurm":
        from vaelab.slurm import check_jobs, partitions

        found, problem = partitions()
        if problem is None:
            jobs = [
                (job.rule.name, job.resources.get("slurm_partition"), job.threads, job.resources.get("mem_mb"))
                for job in workflow.dag.needrun_jobs()
            ]
            problem = check_jobs(jobs, found)
        if problem:
            raise WorkflowError(problem)


onerror:
    from vaelab.stopping import explain_stop

    explain_stop()
    explain_full_cache(log)
