"""The reader's path (issue 32): the smoke run's cached results published as models.zip,
restored into a fresh clone's cache, and every figure and the report rebuilt from them with no
training, classifier or evaluation job; a tampered archive refused; and never a stale entry:
a changed setting, seed, data file or line of training code makes exactly what depends on it
compute again (Snakemake's own dry run says which jobs it takes from the cache)."""

import collections
import gzip
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import copy_project, result_files, snakemake

pytestmark = pytest.mark.smoke

SMOKE = ("--configfile", "config/smoke.yaml")
# the cached rules: each writes its benchmark file itself when its command runs
CACHED_RULES = {
    "train", "train_imputation_vae", "train_classifier", "evaluate", "baselines", "anomaly_baselines", "tsne",
    "tsne_test_images",
}  # fmt: skip


def vaelab(*args, cwd, check=True, env=None):
    proc = subprocess.run(
        [sys.executable, "-m", "vaelab", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"vaelab {args} failed:\n{proc.stdout[-4000:]}")
    return proc


@pytest.fixture(scope="module")
def archive(smoke_tree, tmp_path_factory):
    """models.zip of the smoke run, as `make publish` writes it beside report.zip."""
    out = tmp_path_factory.mktemp("published")
    proc = vaelab(
        "publish", "--report-dir", "results/smoke/report", "--out", out / "report.zip", "--models-out",
        out / "models.zip", cwd=smoke_tree,
    )  # fmt: skip
    assert re.search(r"models\.zip: \d+ cached results, [\d.]+ MB", proc.stdout), proc.stdout
    return out / "models.zip"


@pytest.fixture(scope="module")
def restored_cache(archive, smoke_tree, tmp_path_factory):
    """The archive restored into ./cache (the default of `--cache`) of a fresh clone of the
    publisher's project: the same commit, which every figure's provenance records."""
    tree = tmp_path_factory.mktemp("reader") / "clone"
    subprocess.run(["git", "clone", "-q", str(smoke_tree), str(tree)], check=True)
    proc = vaelab("restore-models", archive, *SMOKE, cwd=tree)
    jobs = re.search(r"of this config's (\d+) cached jobs, (\d+) will be taken from the cache\.$", proc.stdout, re.M)
    assert jobs and jobs.group(1) == jobs.group(2) and int(jobs.group(1)) >= 30, proc.stdout
    return tree, tree / "cache"


def cache_plan(dry_run: str) -> dict[str, dict[str, list[str]]]:
    """{rule: {"cached": [wildcards...], "computed": [...]}} of the cached rules' jobs, as
    `snakemake -n --cache` announces them (a job's outputs obtained from or written to the cache)."""
    plan = collections.defaultdict(lambda: {"cached": [], "computed": []})
    for block in re.split(r"\n(?=\[[^\n]*\]\n(?:local)?rule \w+:)", dry_run):
        rule = re.search(r"^(?:local)?rule (\w+):", block, flags=re.M)
        wildcards = re.search(r"^\s+wildcards: (.*)$", block, flags=re.M)
        if rule is None:
            continue
        where = "cached" if "obtained from global between-workflow cache" in block else None
        where = "computed" if "written to global between-workflow cache" in block else where
        if where:
            plan[rule.group(1)][where].append(wildcards.group(1) if wildcards else "")
    return dict(plan)


def test_a_fresh_clone_rebuilds_every_figure_from_the_archive_without_computing(restored_cache, smoke_tree):
    tree, cache = restored_cache
    out = snakemake("--cores", "2", "--cache", *SMOKE, cwd=tree).stdout
    # Snakemake's own log: every cached output symlinked from the cache, none stored into it
    from_cache = re.findall(r"^Symlinking output file (\S+) from cache\.$", out, flags=re.M)
    assert len(from_cache) == len(list(cache.iterdir())), out[-3000:]
    assert not re.search(r"^Moving output file .* to cache\.$", out, flags=re.M)
    # each cached rule's command writes its benchmark file (a log) when it runs: none ran
    jobs = _jobs(out)
    assert {rule for rule, _ in jobs} >= CACHED_RULES
    ran = [tsv for rule, logs in jobs if rule in CACHED_RULES for tsv in logs if (tree / tsv).stat().st_size]
    assert ran == []
    assert (tree / "results/smoke/report/index.html").is_file()
    # the same numbers as the publisher's run, byte for byte
    published, rebuilt = result_files(smoke_tree / "results/smoke"), result_files(tree / "results/smoke")
    assert sorted(rebuilt) == sorted(published)
    assert [name for name in published if published[name] != rebuilt[name]] == []
    # and, the figures having been drawn again, every file of the two runs but those the README
    # lists as holding the run's own times (issue 36): figures, notebooks, claims, the report's files
    published, rebuilt = every_result_file(smoke_tree), every_result_file(tree)
    assert sorted(rebuilt) == sorted(published)
    assert len([n for n in published if n.endswith(".pdf")]) >= 16
    assert [name for name in published if published[name] != rebuilt[name]] == []


# The files that hold a run's own times (README, "The same seed gives the same bytes")
DIFFER_BY_RUN_FOLDERS = {"benchmarks", "logs", "test-artifacts"}
DIFFER_BY_RUN_FILES = {"report/index.html", "report/ro-crate-metadata.json", "report/ro-crate-preview.html"}


def every_result_file(tree) -> dict[str, bytes]:
    """Every file under the smoke run's results folder (links followed), but those of
    DIFFER_BY_RUN_*, and Snakemake's timestamps of directory outputs."""
    root = tree / "results/smoke"
    out = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if not path.is_file() or path.name == ".snakemake_timestamp" or name in DIFFER_BY_RUN_FILES:
            continue
        if DIFFER_BY_RUN_FOLDERS & set(path.relative_to(root).parts):
            continue
        out[name] = path.read_bytes()
    return out


def _jobs(run_output: str) -> list[tuple[str, list[str]]]:
    """(rule, its .tsv logs) of every job a Snakemake run's output announces."""
    jobs = []
    for block in re.split(r"\n(?=\[[^\n]*\]\n(?:local)?rule \w+:)", run_output):
        rule = re.search(r"^(?:local)?rule (\w+):", block, flags=re.M)
        logs = re.search(r"^\s+log: (.*)$", block, flags=re.M)
        if rule:
            jobs.append((rule.group(1), [p for p in (logs.group(1).split(", ") if logs else []) if p.endswith(".tsv")]))
    return jobs


def _rewrite(archive, dest, change):
    """A copy of `archive` with `change(name, data) -> data | None` applied (None drops the member)."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
    return dest


def test_a_tampered_archive_is_refused_by_name_and_nothing_is_restored(archive, tmp_path):
    members = [m for m in zipfile.ZipFile(archive).namelist() if m.endswith("model.pt")]
    victim = members[0]
    flip = lambda d: d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 1]) + d[len(d) // 2 + 1 :]  # noqa: E731
    tampered = _rewrite(archive, tmp_path / "tampered.zip", lambda n, d: flip(d) if n == victim else d)
    cache = tmp_path / "cache"
    proc = vaelab("restore-models", tampered, "--cache", cache, "--no-check", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert victim in proc.stdout and "nothing was restored" in proc.stdout, proc.stdout
    assert not cache.exists() or list(cache.iterdir()) == []
    # a file the crate does not list, and one it lists that is missing
    extra = _rewrite(archive, tmp_path / "extra.zip", lambda n, d: d)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("cache/0123_model.pt", b"not from this run")
    dropped = _rewrite(archive, tmp_path / "dropped.zip", lambda n, d: None if n == victim else d)
    for bad, says in [(extra, "cache/0123_model.pt (not listed in the crate)"), (dropped, f"{victim} (listed")]:
        proc = vaelab("restore-models", bad, "--cache", cache, "--no-check", cwd=tmp_path, check=False)
        assert proc.returncode != 0 and says in proc.stdout, proc.stdout
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_truncated_archive_says_so_in_one_line(archive, tmp_path):
    truncated = tmp_path / "models.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    proc = vaelab("restore-models", truncated, "--cache", tmp_path / "cache", "--no-check", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert proc.stdout.strip().count("\n") == 0 and "not a complete zip archive" in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout


def test_an_unwritable_cache_folder_is_named_before_any_job(tmp_path, restored_cache):
    tree, _ = restored_cache
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root): a read-only folder cannot be made")
        proc = _dry_run_with_cache(tree, locked)
        assert proc.returncode != 0 and f"the output cache folder {locked} is not writable" in proc.stdout
    finally:
        locked.chmod(0o700)


def test_a_cache_folder_that_is_a_file_is_named_before_any_job(tmp_path, restored_cache):
    """A cache location that cannot be a folder (what root, who may write anywhere, can still hit)."""
    tree, _ = restored_cache
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("")
    proc = _dry_run_with_cache(tree, not_a_folder)
    out = proc.stdout
    assert proc.returncode != 0 and f"the output cache folder {not_a_folder} is not writable" in out, out[-2000:]


def test_a_full_cache_disk_fails_the_job_naming_it_and_leaves_no_entry(tmp_path, restored_cache):
    """A cache on a full disk: the job that stores into it fails with the OS's "No space left on
    device" naming the cache and one line of vaelab's saying what to do, and the cache holds no
    half-written entry (Snakemake writes an entry in a temporary folder inside the cache, then
    renames it); with room again, the same job computes and stores its entries."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a small full disk here is a tmpfs mount, which needs root")
    tree, _ = restored_cache
    cache = tmp_path / "cache"
    cache.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(cache)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    # the target first: --cache takes a list of rules
    run = ("results/diskfull/mnist/models/ae_z2/seed0/model.pt", "--cores", "1", "--cache", *SMOKE)
    run += ("--config", "results=results/diskfull")
    try:
        proc = snakemake(*run, cwd=tree, check=False, env={"SNAKEMAKE_OUTPUT_CACHE": str(cache)})
        assert proc.returncode != 0
        assert re.search(r"No space left on device: .* -> '" + re.escape(str(cache)), proc.stdout), proc.stdout[-3000:]
        assert f"vaelab: the output cache folder {cache} is full: free space there or move it" in proc.stdout
        assert list(cache.iterdir()) == []
    finally:
        subprocess.run(["umount", str(cache)], check=True)
    out = snakemake(*run, cwd=tree, env={"SNAKEMAKE_OUTPUT_CACHE": str(cache)}).stdout
    assert re.search(r"^Moving output file \S+/model\.pt to cache\.$", out, flags=re.M), out[-3000:]
    assert len([p for p in cache.iterdir() if p.name.endswith("_model.pt")]) == 1


def _dry_run_with_cache(tree, cache):
    """`snakemake -n --cache` of the smoke config in `tree` with the cache at `cache` (stdout+stderr)."""
    return snakemake(
        "-n", "--cores", "1", "--cache", *SMOKE, cwd=tree, check=False, env={"SNAKEMAKE_OUTPUT_CACHE": str(cache)}
    )


# --- never stale: each change computes exactly what depends on it -----------------------------
@pytest.fixture
def fresh_clone(restored_cache, tmp_path):
    """A fresh clone using the restored cache (no results of its own): every job is planned, and
    a cached rule's job is either taken from the cache or computed."""
    tree = copy_project(tmp_path / "clone", git=True)
    return tree, {**os.environ, "SNAKEMAKE_OUTPUT_CACHE": str(restored_cache[1])}


def _plan(tree, env, *configfiles):
    cmd = [sys.executable, "-m", "snakemake", "-n", "--cores", "2", "--cache", *SMOKE, *configfiles]
    proc = subprocess.run(cmd, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return cache_plan(proc.stdout)


def _computed(plan, rule):
    return sorted(plan.get(rule, {}).get("computed", []))


def _cached(plan, rule):
    return sorted(plan.get(rule, {}).get("cached", []))


def test_unchanged_everything_is_taken_from_the_cache(fresh_clone):
    plan = _plan(*fresh_clone)
    assert {rule: v["computed"] for rule, v in plan.items() if v["computed"]} == {}
    assert len(_cached(plan, "train")) == 12 and len(_cached(plan, "evaluate")) == 12


def test_a_changed_training_setting_trains_that_model_again(fresh_clone):
    tree, env = fresh_clone
    (tree / "beta2.yaml").write_text("overrides: {vae: {beta: 2.0}}\n")
    plan = _plan(tree, env, "beta2.yaml")
    assert len(_computed(plan, "train")) == 4 and all("model=vae," in w for w in _computed(plan, "train"))
    assert len(_cached(plan, "train")) == 8 and not any("model=vae," in w for w in _cached(plan, "train"))
    assert all("model=vae," in w for w in _computed(plan, "evaluate")) and len(_computed(plan, "evaluate")) == 4
    for rule in ("train_classifier", "baselines", "tsne_test_images"):
        assert _computed(plan, rule) == [] and len(_cached(plan, rule)) == 1, rule


def test_an_archive_of_another_config_says_what_it_covers_in_one_line(archive, fresh_clone):
    """Restoring for a config the archive was not made with works, and one line says which
    of that config's cached jobs will be computed, by rule, as Snakemake's own plan has them."""
    tree, env = fresh_clone
    (tree / "beta2.yaml").write_text("overrides: {vae: {beta: 2.0}}\n")
    cache = env["SNAKEMAKE_OUTPUT_CACHE"]
    proc = vaelab("restore-models", archive, "--cache", cache, *SMOKE, "beta2.yaml", cwd=tree)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("of this config's"))
    computed = dict(re.findall(r"(\w+) (\d+)", line.split("these computed: ")[1]))
    plan = _plan(tree, env, "beta2.yaml")
    assert computed == {rule: str(len(v["computed"])) for rule, v in plan.items() if v["computed"]}, line


def test_a_new_seed_trains_only_that_seed(fresh_clone):
    tree, env = fresh_clone
    (tree / "seeds.yaml").write_text("seeds: [0, 2]\n")
    plan = _plan(tree, env, "seeds.yaml")
    assert len(_computed(plan, "train")) == 6 and all(w.endswith("seed=2") for w in _computed(plan, "train"))
    assert len(_cached(plan, "train")) == 6 and all(w.endswith("seed=0") for w in _cached(plan, "train"))


def test_changed_data_computes_everything_again(fresh_clone):
    tree, env = fresh_clone
    images = tree / "data/mnist/train-images-idx3-ubyte.gz"
    raw = gzip.decompress(images.read_bytes())
    images.write_bytes(gzip.compress(raw, mtime=1))  # the same images in another gzip stream
    plan = _plan(tree, env)
    assert {rule: v["cached"] for rule, v in plan.items() if v["cached"]} == {}
    assert len(_computed(plan, "train")) == 12 and len(_computed(plan, "train_classifier")) == 1


def test_one_changed_line_of_the_loss_trains_and_evaluates_again(fresh_clone):
    """The copy's own src/ (PYTHONPATH), with one line of the loss changed: every model trains
    and is evaluated again; what does not import the loss (the classifier, the test images'
    t-SNE map) is still taken from the cache. The key follows imports, module by module: the
    baselines import the models' package, and so the loss, and are computed again too."""
    tree, env = fresh_clone
    losses = tree / "src/vaelab/train/losses.py"
    text = losses.read_text()
    line = next(ln for ln in text.splitlines() if "return (-0.5 * (1 + logvar" in ln)  # the KL term
    losses.write_text(text.replace(line, line + " * 1.0", 1))
    plan = _plan(tree, {**env, "PYTHONPATH": str(tree / "src")})
    assert len(_computed(plan, "train")) == 12 and len(_computed(plan, "evaluate")) == 12
    assert _cached(plan, "train") == [] and _cached(plan, "evaluate") == []
    for rule in ("train_classifier", "tsne_test_images"):
        assert _computed(plan, rule) == [] and len(_cached(plan, rule)) == 1, rule
    shutil.rmtree(tree / "src")  # nothing else may import the changed copy
