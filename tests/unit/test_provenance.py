"""vaelab.publish.provenance.launch_flags: how a run was started, as its rebuild commands repeat it."""

import pytest

from vaelab.publish.provenance import launch_flags


@pytest.mark.parametrize(
    "argv, profile_env, flags",
    [
        (["--cores", "2", "--configfile", "config/smoke.yaml"], None, "--cores 2"),
        (["-c4", "results/report/index.html"], None, "--cores 4"),
        (["--cores=all"], None, "--cores all"),
        (["--profile", "profiles/slurm"], None, "--profile profiles/slurm"),
        (["--profile=profiles/slurm-gpu", "--jobs", "20"], None, "--profile profiles/slurm-gpu --jobs 20"),
        ([], "profiles/slurm", "--profile profiles/slurm"),  # $SNAKEMAKE_PROFILE
        (["--profile", "mine"], "profiles/slurm", "--profile mine"),  # the command line wins
        (["--executor", "slurm", "-j", "10"], None, "--executor slurm --jobs 10"),
        (["-n", "--configfile", "a.yaml", "b.yaml"], None, "--cores 7"),  # no count given: the run's
        ([], None, "--cores 7"),  # started from Python: the run's core count
        (["--profile", "my profiles/x"], None, "--profile 'my profiles/x'"),
    ],
)
def test_launch_flags(argv, profile_env, flags):
    assert launch_flags(argv, cores=7, profile_env=profile_env) == flags
