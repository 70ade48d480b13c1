"""The study on a real one-node Slurm, through Snakemake's Slurm executor (profiles/slurm).

tools/slurm/start.sh installs (as root, apt-get) and starts Slurm when it is not running, and
the session stops it again if it started it. The tests skip, saying why, only where Slurm
cannot be installed or started; `pytest -m slurm` runs them alone.
"""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time

import pytest
from conftest import ROOT, copy_project, result_files, snakemake

pytestmark = pytest.mark.slurm

SMOKE = ("--configfile", "config/smoke.yaml")
RESULTS = "results/smoke/mnist"
MODEL = f"{RESULTS}/models/ae_z2/seed0"
PLUGIN = importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None
NO_PLUGIN = "snakemake-executor-plugin-slurm is not installed: pip install -e '.[slurm]'"


def _slurm_up():
    if not shutil.which("scontrol"):
        return False
    return "UP" in subprocess.run(["scontrol", "ping"], capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def slurm():
    """A running one-node Slurm; stopped at the end of the session if this session started it."""
    if not PLUGIN:
        pytest.skip(NO_PLUGIN)
    was_up = _slurm_up()
    proc = subprocess.run([str(ROOT / "tools/slurm/start.sh")], capture_output=True, text=True, timeout=900)
    if proc.returncode == 2:  # start.sh: cannot be installed or started here (not root, no apt-get, ...)
        pytest.skip(f"Slurm cannot be installed or started here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield
    if not was_up:
        subprocess.run([str(ROOT / "tools/slurm/stop.sh")], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def split_tree(tmp_path_factory):
    """A copy of the project holding the smoke data split, made locally."""
    tree = copy_project(tmp_path_factory.mktemp("split"), git=False)
    snakemake("--cores", "1", f"{RESULTS}/data/split.npz", *SMOKE, cwd=tree)
    return tree


def _tree(tmp_path_factory, name, split_tree=None):
    """A fresh copy of the project; with `split_tree`, holding its data split, so that a test's
    first Slurm job is the one it is about."""
    tree = copy_project(tmp_path_factory.mktemp(name), git=False)
    if split_tree is not None:
        shutil.copytree(split_tree / "results", tree / "results")
        shutil.copytree(split_tree / ".snakemake", tree / ".snakemake")
    return tree


def _on_slurm(tree, *args, profile="profiles/slurm", configs=SMOKE, check=True, timeout=600, env=None):
    return snakemake(*args, "--profile", profile, *configs, cwd=tree, check=check, timeout=timeout, env=env)


def _submitted(output):
    """{Slurm job id: its Slurm log} of every submission Snakemake reports."""
    return dict(re.findall(r"submitted with SLURM jobid (\d+) \(log: (.+?)\)\.?$", output, flags=re.M))


def _job(job_id):
    """`scontrol show job` as a dict."""
    out = subprocess.run(["scontrol", "show", "job", str(job_id)], capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"(\w+)=(\S*)", out))


def _start(tree, *args, profile="profiles/slurm", configs=SMOKE):
    """Snakemake in the background, its output going to a file; returns (process, log path)."""
    log = tree / "snakemake.out"
    cmd = [sys.executable, "-m", "snakemake", *args, "--profile", profile, *configs]
    proc = subprocess.Popen(cmd, cwd=tree, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)
    return proc, log


def _wait_for(predicate, what, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# --- the smoke DAG on Slurm -----------------------------------------------------------


@pytest.fixture(scope="module")
def slurm_smoke(slurm, smoke_tree, tmp_path_factory):
    """The whole smoke DAG through profiles/slurm, Slurm logs kept, with Snakemake's output cache
    as `make slurm` runs it (a cache of its own: every job computes). `--cores 8` on this 2-CPU
    machine must not scale the jobs' threads on Slurm (it does for local runs)."""
    tree = _tree(tmp_path_factory, "slurm")
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)  # provenance records the commit
    start = time.monotonic()
    env = {"SNAKEMAKE_OUTPUT_CACHE": str(tree / "team-cache")}
    proc = _on_slurm(tree, "--cores", "8", "--cache", "--slurm-keep-successful-logs", timeout=1800, env=env)
    return tree, proc.stdout, time.monotonic() - start


def test_every_job_of_the_smoke_dag_ran_as_a_slurm_job(slurm_smoke):
    tree, out, seconds = slurm_smoke
    print(f"smoke DAG on Slurm: {seconds:.0f} s")
    planned = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", out.split("Select jobs")[0], flags=re.M)}
    planned.pop("all"), planned.pop("total")
    submitted = _submitted(out)
    assert submitted, out[-3000:]
    ran = {}
    for job_id, log in submitted.items():
        # Slurm's own record of the job: it finished, with the CPUs its threads ask for
        job = _job(job_id)
        assert job["JobState"] == "COMPLETED", job
        assert job["NumCPUs"] == "1", job  # threads: 1 for every rule; --cores 8 scaled nothing
        # the Slurm log names every job it ran
        for rule in re.findall(r"^localrule (\w+):$", open(log).read(), flags=re.M):
            ran[rule] = ran.get(rule, 0) + 1
    assert ran == planned
    # grouped: fewer Slurm jobs than rules' jobs
    assert len(submitted) < sum(planned.values())
    # torch used exactly the job's threads
    assert "threads=1 " in (tree / f"{RESULTS}/logs/train/vae_z2_seed0.log").read_text()


def test_slurm_jobs_store_their_results_in_the_cache(slurm_smoke, smoke_tree):
    """Snakemake once dropped a bare --cache from cluster jobs: under profiles/slurm every cached
    rule's outputs land in the cache folder, and the results are
    links to them. (Their names differ from the local run's: a cluster job's Snakemake computes
    the key; docs/cache.md, "Limits".)"""
    tree, out, _ = slurm_smoke
    entries = [p for p in (tree / "team-cache").iterdir() if not p.name.startswith(".")]
    assert len(entries) >= 60, out[-3000:]  # every output of the 33 cached jobs
    model = tree / RESULTS / "models/vae_z2/seed0/model.pt"
    assert model.is_symlink() and model.resolve().parent == (tree / "team-cache").resolve()


def test_a_colleagues_slurm_job_takes_the_model_the_teams_cache_holds(slurm, split_tree, tmp_path_factory):
    """Two fresh trees on the same cluster sharing one cache folder (`make slurm CACHE=<shared>`):
    the first one's training job stores the model, the second one's takes it from the cache
    and trains nothing. (Both keys are computed by a cluster job's Snakemake; docs/cache.md.)"""
    cache = tmp_path_factory.mktemp("team-cache")
    env = {"SNAKEMAKE_OUTPUT_CACHE": str(cache)}
    runs = []
    for name in ("author", "colleague"):
        tree = _tree(tmp_path_factory, name, split_tree)
        proc = _on_slurm(tree, f"{MODEL}/model.pt", "--cache", "--slurm-keep-successful-logs", env=env)
        logs = "".join(open(log).read() for log in _submitted(proc.stdout).values())
        runs.append((tree, logs, sorted(p.name for p in cache.iterdir() if not p.name.startswith("."))))
    (author, stored, entries), (colleague, fetched, entries_after) = runs
    assert "Moving output file" in stored and entries, stored[-3000:]
    assert "Moving output file" not in fetched and "from cache" in fetched, fetched[-3000:]
    log = colleague / f"{RESULTS}/logs/train/ae_z2_seed0.log"
    assert not log.exists() or "epoch 1/" not in log.read_text()
    assert entries_after == entries  # nothing new stored
    assert (colleague / MODEL / "model.pt").resolve().parent == cache.resolve()


def test_slurm_results_equal_a_local_runs(slurm_smoke, smoke_tree):
    """Every result file of the whole smoke run on Slurm (models, metrics, embeddings, the
    figures' numbers and tables, the claims) equals the local run's byte for byte: this is
    also the suite's check that a second whole run of the same seeds writes the same bytes."""
    local = result_files(smoke_tree / "results/smoke")
    on_slurm = result_files(slurm_smoke[0] / "results/smoke")
    trained = [name for name in local if name.startswith("mnist/models/") and name.endswith("/metrics.json")]
    assert len(trained) == 12  # 3 models x 2 latent sizes x 2 seeds
    assert sorted(on_slurm) == sorted(local)
    assert [name for name in local if local[name] != on_slurm[name]] == []


def test_figure_provenance_names_the_slurm_job_and_node(slurm_smoke, smoke_tree):
    tree, out, _ = slurm_smoke
    node = subprocess.run(["sinfo", "-h", "-N", "-o", "%N"], capture_output=True, text=True).stdout.split()[0]
    figures = sorted((tree / RESULTS / "figures").glob("*.json"))
    assert len(figures) >= 16
    for path in figures:
        prov = json.loads(path.read_text())["provenance"]
        assert prov["executor"] == "slurm" and prov["slurm_node"] == node, path
        assert prov["slurm_job_id"] in _submitted(out), path
    local = json.loads((smoke_tree / RESULTS / "figures" / figures[0].name).read_text())["provenance"]
    assert (local["executor"], local["slurm_job_id"], local["slurm_node"]) == ("local", None, None)


# --- faults ---------------------------------------------------------------------------


def test_a_failing_job_stops_snakemake_with_its_rule_and_slurm_log(slurm, split_tree, tmp_path_factory):
    # device: cuda on a node without a usable GPU: the training job itself fails
    tree = _tree(tmp_path_factory, "fail", split_tree)
    args = (f"{MODEL}/model.pt", "--config", "device=cuda")
    proc = _on_slurm(tree, *args, check=False)
    assert proc.returncode != 0
    assert re.search(r"Error in (rule|group job) .*train", proc.stdout), proc.stdout[-3000:]
    logs = list(_submitted(proc.stdout).values())
    after_error = proc.stdout[proc.stdout.index("Error in") :]
    assert logs and all(log in after_error for log in logs), proc.stdout[-3000:]
    assert (
        "torch finds no usable GPU"
        in open(logs[-1]).read() + (tree / f"{RESULTS}/logs/train/ae_z2_seed0.log").read_text()
    )
    # nothing half-done is taken for done: no model, and a rerun would train again
    assert not (tree / f"{MODEL}/model.pt").exists()
    again = snakemake(*args, "-n", *SMOKE, cwd=tree).stdout
    assert re.search(r"^train\s+1$", again, flags=re.M) and "incomplete" not in again.lower(), again[-2000:]


def test_a_cancelled_training_job_resumes_and_ends_as_an_uninterrupted_run(slurm, split_tree, tmp_path_factory):
    import torch

    # 30 epochs: long enough to cancel between two of them
    long = ("--configfile", "config/smoke.yaml", "long.yaml")
    target = f"{MODEL}/model.pt"
    tree = _tree(tmp_path_factory, "cancel", split_tree)
    (tree / "long.yaml").write_text("training: {epochs: 30}\n")
    proc, log = _start(tree, target, configs=long)
    try:
        job_id = _wait_for(lambda: next(iter(_submitted(log.read_text())), None), "the training job's submission")
        _wait_for((tree / f"{RESULTS}/checkpoints/ae_z2_seed0.pt").exists, "the first epoch's checkpoint")
        subprocess.run(["scancel", job_id], check=True)
        assert proc.wait(timeout=300) != 0
    finally:
        proc.kill()
    assert _job(job_id)["JobState"] == "CANCELLED"
    assert not (tree / target).exists()

    _on_slurm(tree, target, configs=long)
    train_log = (tree / f"{RESULTS}/logs/train/ae_z2_seed0.log").read_text()
    resumed = int(re.search(r"resuming from \S+ after epoch (\d+)", train_log).group(1))
    assert 1 <= resumed < 30

    reference = _tree(tmp_path_factory, "uninterrupted", split_tree)
    (reference / "long.yaml").write_text("training: {epochs: 30}\n")
    snakemake("--cores", "1", target, *long, cwd=reference)
    a = torch.load(tree / target, weights_only=True)
    b = torch.load(reference / target, weights_only=True)
    assert a["state_dict"].keys() == b["state_dict"].keys()
    assert all(torch.equal(a["state_dict"][k], b["state_dict"][k]) for k in a["state_dict"])


def test_more_memory_than_any_node_has_is_a_clear_error_before_submission(slurm, split_tree, tmp_path_factory):
    tree = _tree(tmp_path_factory, "memory", split_tree)
    proc = _on_slurm(tree, f"{MODEL}/model.pt", "--set-resources", "train:mem_mb=100000000", check=False, timeout=300)
    assert proc.returncode != 0
    assert "rule train asks for 100000000 MB of memory" in proc.stdout, proc.stdout[-3000:]
    assert not _submitted(proc.stdout)


def test_a_partition_that_does_not_exist_is_named_before_submission(slurm, split_tree, tmp_path_factory):
    tree = _tree(tmp_path_factory, "partition", split_tree)
    proc = _on_slurm(
        tree, f"{MODEL}/model.pt", "--default-resources", "slurm_partition=nosuch", check=False, timeout=300
    )
    assert proc.returncode != 0
    assert "Slurm has no partition 'nosuch'" in proc.stdout and "cpu, gpu" in proc.stdout, proc.stdout[-3000:]
    assert not _submitted(proc.stdout)


def test_gpu_profile_asks_for_a_gpu_in_the_gpu_partition(slurm, split_tree, tmp_path_factory):
    # the gpu partition here is DOWN: the job is accepted and waits, and what it asks for can be read
    tree = _tree(tmp_path_factory, "gpu", split_tree)
    proc, log = _start(tree, f"{MODEL}/metrics.json", profile="profiles/slurm-gpu")
    try:
        job_id = _wait_for(lambda: next(iter(_submitted(log.read_text())), None), "the training job's submission")
        job = _job(job_id)
        subprocess.run(["scancel", job_id], check=True)
        assert proc.wait(timeout=300) != 0
    finally:
        proc.kill()
    assert job["Partition"] == "gpu" and job["JobState"] == "PENDING", job
    assert "gpu:1" in job.get("TresPerJob", ""), job
    assert job["NumCPUs"] == "1" and job["MinMemoryNode"] == "4000M", job
    # one Slurm job holds the model's training and its evaluation (group "model")
    assert job.get("Comment") == "rule_model_evaluate_train", job


def test_slurm_not_answering_is_one_clear_message(slurm, tmp_path_factory):
    # a slurm.conf whose controller port nobody listens on stands for a controller that is down
    tree = _tree(tmp_path_factory, "down")
    conf = tree / "down.conf"
    conf.write_text(open("/etc/slurm/slurm.conf").read() + "SlurmctldPort=9\n")
    cmd = [sys.executable, "-m", "snakemake", f"{RESULTS}/data/split.npz", "--profile", "profiles/slurm", *SMOKE]
    proc = subprocess.run(
        cmd,
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "SLURM_CONF": str(conf)},
    )
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "Slurm does not answer" in out and "tools/slurm/start.sh" in out, out[-3000:]
    assert not _submitted(out)


# --- without Slurm --------------------------------------------------------------------


def _rules_of_the_smoke_dag():
    """{rule name: Snakemake's rule} of the smoke config's DAG, read through Snakemake's API."""
    import os

    from vaelab.publish.dag import open_dag

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        with open_dag(["config/smoke.yaml"], {}, 2, []) as (workflow, _):
            return {r.name: r for r in workflow.rules}
    finally:
        os.chdir(here)


def test_the_profiles_hold_only_what_differs_per_cluster():
    """Memory, time limits and groups are the rules' own; the GPU profile adds only its GPU lines
    (a GPU, the GPU partition, host memory for CUDA on top of the rule's)."""
    import yaml

    cpu = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text())
    gpu = yaml.safe_load((ROOT / "profiles/slurm-gpu/config.yaml").read_text())
    assert "set-resources" not in cpu
    assert set(cpu["default-resources"]) == {"group_slots"}
    rules = _rules_of_the_smoke_dag()
    extra = gpu.pop("set-resources")
    assert set(extra) == {"train", "train_imputation_vae", "train_classifier", "evaluate"}
    for rule, lines in extra.items():
        assert (lines.pop("gpu"), lines.pop("slurm_partition")) == (1, "gpu")
        assert lines.pop("mem_mb") > rules[rule].resources["mem_mb"].value and lines == {}, rule
    assert cpu == gpu


def test_every_rule_says_its_memory_and_time_limit():
    rules = _rules_of_the_smoke_dag()
    jobs = {name: r for name, r in rules.items() if name != "all"}
    assert len([name for name in jobs if name.startswith("figure_")]) >= 16
    for name, r in jobs.items():
        assert r.resources["mem_mb"].value >= 1000 and r.resources["runtime"].value >= 10, name
    assert rules["figure_imputation"].resources["mem_mb"].value == 4000  # its figure table entry's


def test_every_figure_rule_is_in_the_profiles_figures_group():
    import yaml

    out = snakemake("--list-rules", *SMOKE).stdout
    figures = {r for r in out.split() if r.startswith("figure_")}
    assert figures
    for profile in ("slurm", "slurm-gpu"):
        groups = yaml.safe_load((ROOT / f"profiles/{profile}/config.yaml").read_text())["groups"]
        assert {r for r, g in groups.items() if g == "figures"} == figures
        assert set(groups) <= set(out.split())  # no group names a rule that does not exist


def test_missing_slurm_commands_are_one_clear_message(monkeypatch):
    from vaelab import slurm

    monkeypatch.setattr(slurm.shutil, "which", lambda name: None)
    found, problem = slurm.partitions()
    assert found is None and "on PATH" in problem and "tools/slurm/start.sh" in problem


def test_jobs_that_fit_no_node_are_named():
    from vaelab.slurm import Partition, check_jobs

    parts = {"cpu": Partition("cpu", True, 2, 1000), "big": Partition("big", False, 64, 500000)}
    assert check_jobs([("train", None, 1, 800), ("train", "big", 32, 400000)], parts) is None
    assert "rule train asks for 4 CPUs" in check_jobs([("train", None, 4, 800)], parts)
    assert "partition 'gpu' (rules evaluate, train)" in check_jobs(
        [("train", "gpu", 1, 1), ("evaluate", "gpu", 1, 1)], parts
    )


def test_make_slurm_without_the_plugin_says_how_to_install_it(tmp_path):
    # an interpreter without the plugin (this machine's own python3) stands in for the venv's
    (tmp_path / "python").symlink_to(shutil.which("python3"))
    probe = subprocess.run(
        [str(tmp_path / "python"), "-c", "import snakemake_executor_plugin_slurm"], capture_output=True
    )
    if probe.returncode == 0:
        pytest.skip("this machine's python3 has the plugin too: no interpreter without it to try")
    proc = subprocess.run(
        ["make", "-o", ".venv/.installed", "slurm", f"BIN={tmp_path}"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "pip install -e '.[slurm]'" in proc.stderr
