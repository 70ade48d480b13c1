"""The config is validated against the schema before any job runs."""

import copy
import re
import shlex

import jsonschema
import pytest
import yaml
from conftest import ROOT, snakemake
from snakemake.utils import update_config

SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def _validate(cfg):
    jsonschema.validate(cfg, SCHEMA)


SMOKE = yaml.safe_load((ROOT / "config/smoke.yaml").read_text())


def test_shipped_configs_are_valid():
    _validate(CONFIG)
    smoke = copy.deepcopy(CONFIG)
    update_config(smoke, SMOKE)  # as Snakemake merges a --configfile: key by key
    _validate(smoke)


def _leaves(d, prefix=""):
    for key, value in d.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def test_smoke_config_holds_only_what_differs():
    publication = dict(_leaves(CONFIG))
    same = [key for key, value in _leaves(SMOKE) if publication.get(key) == value]
    assert not same, f"config/smoke.yaml repeats config.yaml's values of {same}"


@pytest.mark.parametrize(
    "seeds, valid",
    [([0], True), ([0, 1, 2], True), ([7, 3], True), ([], False), ([0, 0], False), ([-1], False), ([1.5], False)],
)
def test_seeds_are_a_non_empty_list_of_distinct_non_negative_integers(seeds, valid):
    assert jsonschema.Draft202012Validator(SCHEMA).is_valid({**CONFIG, "seeds": seeds}) == valid


def test_one_seed_is_a_valid_study_and_every_model_path_carries_its_seed(tmp_path):
    """`seeds: [0]` still runs (today's figures, without spread); with two, every trained model
    exists once per seed, in a seed<n> folder; the digit classifier is trained once."""
    one_seed = tmp_path / "one_seed.yaml"
    one_seed.write_text("seeds: [0]\n")
    args = ("-n", "-p", "--forceall", "--cores", "2", "--configfile", "config/smoke.yaml")
    out = snakemake(*args, str(one_seed)).stdout
    assert "seed0/model.pt" in out and "seed1/" not in out
    out = snakemake("-n", "-p", "--forceall", "--cores", "2", "--configfile", "config/smoke.yaml").stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert (counts["train"], counts["evaluate"], counts["train_imputation_vae"]) == ("12", "12", "2")
    assert counts["train_classifier"] == "1"
    models = set(re.findall(r"--out-model (\S+)", out))
    assert len(models) == 12 + 2 + 1
    for path in models - {"results/smoke/mnist/classifier/model.pt"}:
        assert re.search(r"/seed[01]/model\.pt$", path), path


TRAINING_SCHEMA = SCHEMA["definitions"]["training"]["properties"]
# (key, value, accepted) at and around each bound of `training`: the bounds live in the schema
# only (the training code checks none), so the schema must hold each of them
TRAINING_VALUES = [
    ("epochs", 0, False),
    ("epochs", 1, True),
    ("epochs", -1, False),
    ("batch_size", 0, False),
    ("batch_size", 1, True),
    ("lr", 0.0, False),
    ("lr", 1e-9, True),
    ("lr", -0.1, False),
    ("weight_decay", -0.01, False),
    ("weight_decay", 0.0, True),
    ("beta", -1.0, False),
    ("beta", 0.0, True),
    ("recon_loss", "bce", True),
    ("recon_loss", "l1", False),
    ("precision", "bfloat16", True),
    ("precision", "float16", False),
]


@pytest.mark.parametrize("key, value, accepted", TRAINING_VALUES)
def test_schema_holds_the_training_bounds(key, value, accepted):
    assert jsonschema.Draft202012Validator(TRAINING_SCHEMA[key]).is_valid(value) == accepted, f"{key}={value!r}"


def test_schema_offers_what_the_training_code_implements():
    from vaelab.train.loop import PRECISIONS, RECON_LOSSES

    assert set(TRAINING_SCHEMA["precision"]["enum"]) == set(PRECISIONS)
    assert set(TRAINING_SCHEMA["recon_loss"]["enum"]) == set(RECON_LOSSES)


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda c: c.__setitem__("models", ["ae", "gan"]), "gan"),
        (lambda c: c.__setitem__("latent_sizes", [2, 0]), "0"),
        (lambda c: c["training"].__setitem__("epochs", -1), "-1"),
        (lambda c: c["training"].__setitem__("epochs", 0), "0 is less than the minimum of 1"),
        (lambda c: c.__setitem__("overrides", {"cvae": {"epochs": 0}}), "0 is less than the minimum of 1"),
        (lambda c: c.__setitem__("latent_size", [2]), "latent_size"),
        (lambda c: c["training"].__setitem__("lerning_rate", 0.1), "lerning_rate"),
        (lambda c: c.__setitem__("overrides", {"vae": {"betta": 2}}), "betta"),
        (lambda c: c["tsne"].__setitem__("angle", 1.5), "1.5 is greater than the maximum of 1"),
        (lambda c: c["tsne"].__setitem__("iterations", 100), "100 is less than the minimum of 250"),
        (lambda c: c["tsne"].__setitem__("perplexity", 0), "0 is less than or equal to the minimum of 0"),
        (lambda c: c["tsne"].pop("pca_dims"), "pca_dims"),
    ],
)
def test_bad_config_is_rejected(change, key):
    cfg = copy.deepcopy(CONFIG)
    change(cfg)
    with pytest.raises(jsonschema.ValidationError, match=re.escape(key)):
        _validate(cfg)


def test_dry_run_has_one_training_job_per_model_latent_size_and_seed():
    out = snakemake("-n", "--forceall", "--cores", "8").stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert counts["train"] == "54"  # 3 models x 6 latent sizes x 3 seeds
    assert counts["evaluate"] == "54"
    assert counts["train_imputation_vae"] == "3" and counts["train_classifier"] == "1"
    assert counts["tsne"] == "3"  # the first seed's maps only


def test_the_tsne_rules_pass_the_configs_tsne_settings(tmp_path):
    """The library has no t-SNE settings of its own: both rules pass every one from the config,
    and changing one changes the command (so Snakemake reruns the maps, and only those)."""
    out = snakemake("-n", "-p", "--forceall", "--cores", "1", "results/mnist/embeddings/tsne_test_images.npz").stdout
    command = re.search(r"vaelab (?:--benchmark \S+ )?tsne-images .*", out).group(0)
    for key, value in CONFIG["tsne"].items():
        assert f"--{key.replace('_', '-')} {value} " in command, (key, command)
    (tmp_path / "angle.yaml").write_text("tsne: {angle: 0.3}\n")
    target = "results/mnist/embeddings/tsne_vae.npz"
    changed = snakemake("-n", "-p", "--forceall", "--cores", "1", target, "--configfile", tmp_path / "angle.yaml")
    assert "--angle 0.3 " in re.search(r"vaelab (?:--benchmark \S+ )?tsne .*", changed.stdout).group(0)


def _commands(out: str, program: str) -> list[list[str]]:
    """The `vaelab <program>` commands a dry run with -p prints, as argument lists (log redirect dropped)."""
    return [
        shlex.split(line.split(" > ")[0])[1:]
        for line in re.findall(rf"^(?:Shell command: )?(vaelab {program} .*)$", out, flags=re.M)
    ]


@pytest.mark.parametrize(
    "launch, flags",
    [(["--cores", "3"], "--cores 3"), (["--profile", "profiles/slurm"], "--profile profiles/slurm")],
)
def test_rebuild_commands_get_how_the_run_was_started(launch, flags):
    """Issue 22: the figure and report jobs are told this run's --cores or --profile for their
    rebuild commands; with the publication's config (no config flags) every command still parses."""
    from vaelab.cli import parser

    out = snakemake("-n", "-p", "--forceall", *launch).stdout
    notebooks = _commands(out, "notebook")
    assert len(notebooks) >= 10, out[-3000:]
    for argv in notebooks:
        args = parser().parse_args(argv)
        assert (args.launch_flags, args.rebuild_flags) == (flags, ""), argv
    (report,) = _commands(out, "report")
    assert f"--launch-flags={flags}" in report and "--run-flags=" in report


def test_snakemake_stops_on_a_misspelled_key_before_running_anything():
    proc = snakemake("-n", "--cores", "1", "--config", "latent_sizse=[2]", check=False)
    assert proc.returncode != 0
    assert "latent_sizse" in proc.stdout


def test_an_unknown_key_is_named_in_a_line_or_two_without_the_schema():
    proc = snakemake("-n", "--cores", "1", "--config", "latent_sizse=[2]", check=False)
    assert proc.returncode != 0
    assert "config: Additional properties are not allowed ('latent_sizse' was unexpected)" in proc.stdout
    assert "additionalProperties" not in proc.stdout and len(proc.stdout.splitlines()) < 30, proc.stdout


@pytest.mark.parametrize(
    "setting, expected",
    [
        ("seeds=[0]", "vae_z2/seed0/model.pt"),
        ("latent_sizes=[2]", "vae_z2/seed0/model.pt"),
        ("subset={train: 1000}", "--subset-train 1000"),
    ],
)
def test_config_lists_and_mappings_from_the_command_line_are_accepted(setting, expected):
    """Snakemake reads a --config list or mapping as untyped YAML (['0'] for [0]); the checks
    read the schema's types into it, as the README's `--config 'seeds=[0]'` needs."""
    args = ("-n", "-p", "--forceall", "--cores", "2", "--configfile", "config/smoke.yaml", "--config", setting)
    out = snakemake(*args).stdout
    assert expected in out
    if setting.startswith("seeds"):
        assert "seed1/" not in out


@pytest.mark.parametrize(
    "setting, expected",
    [
        ("seeds=[x]", "seeds[0]: 'x' is not of type 'integer'"),
        ("latent_sizes=[0]", "latent_sizes[0]: 0 is less than the minimum of 1"),
        ("subset={train: lots}", "subset.train: 'lots' is not of type 'integer', 'null'"),
        ("subset={tran: 1000}", "subset: Additional properties are not allowed ('tran' was unexpected)"),
    ],
)
def test_bad_config_from_the_command_line_is_refused_by_key(setting, expected):
    proc = snakemake("-n", "--cores", "1", "--config", setting, check=False)
    assert proc.returncode != 0
    assert expected in proc.stdout, proc.stdout[-2000:]


def test_typed_config_values_follow_the_schema():
    from vaelab.config_checks import typed_config_values

    given = {
        "seeds": ["0", "2"],
        "subset": {"train": "1000", "val": "null"},
        "training": {"hidden": ["400"], "lr": "1e-3", "recon_loss": "mse"},
        "class_names": ["1", "2"],  # strings where the schema wants strings stay strings
        "overrides": {"vae": {"beta": "2"}},
    }
    assert typed_config_values(given, SCHEMA) == {
        "seeds": [0, 2],
        "subset": {"train": 1000, "val": None},
        "training": {"hidden": [400], "lr": 0.001, "recon_loss": "mse"},
        "class_names": ["1", "2"],
        "overrides": {"vae": {"beta": 2}},
    }
    assert typed_config_values({"seeds": ["x"]}, SCHEMA) == {"seeds": ["x"]}  # left for the schema to refuse


def test_snakemake_stops_on_a_nonpositive_latent_size():
    proc = snakemake("-n", "--cores", "1", "--config", "latent_sizes=[0]", check=False)
    assert proc.returncode != 0
    assert "latent_sizes" in proc.stdout


def test_threads_scale_so_cores_8_never_oversubscribes_the_machine():
    import os

    cpus = len(os.sched_getaffinity(0))
    out = snakemake("-n", "--cores", "8", "-p", "--forceall", "results/mnist/models/vae_z20/seed0/metrics.json").stdout
    claimed = int(re.search(r"rule train:.*?threads: (\d+)", out, flags=re.S).group(1))
    torch_threads = int(re.search(r"vaelab (?:--benchmark \S+ )?train .*--threads (\d+)", out).group(1))
    concurrent = 8 // claimed
    assert concurrent * torch_threads <= max(cpus, 1)


@pytest.mark.smoke  # trains and evaluates the smoke models
def test_changing_one_models_setting_reruns_only_that_model(project_copy):
    # a complete smoke tree is not needed: a dry run compares recorded params
    snakemake("--cores", "2", "--configfile", "config/smoke.yaml", "--until", "evaluate", cwd=project_copy)
    (project_copy / "beta2.yaml").write_text("overrides: {vae: {beta: 2.0}}\n")
    out = snakemake(
        "-n", "--until", "evaluate", "--configfile", "config/smoke.yaml", "beta2.yaml", cwd=project_copy
    ).stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert counts.get("train") == "4", out[-3000:]  # vae at the two smoke latent sizes, for each of two seeds
    assert "model=vae" in out
    assert "model=ae," not in out and "model=cvae" not in out


def test_every_job_declares_log_benchmark_and_threads_and_writes_to_its_log():
    """The brief's rule shape, checked on every job of the smoke DAG (`rule all` aside): a
    job's stderr goes to its declared log, its time and memory to its benchmark file, and
    its `threads:` is what the thread accounting scales (printed by Snakemake when > 1)."""
    out = snakemake("-n", "-p", "--forceall", "--cores", "1024", "--configfile", "config/smoke.yaml").stdout
    blocks = re.split(r"\n(?=(?:local)?rule \w+:\n)", out)
    jobs = [b for b in blocks if re.match(r"(?:local)?rule \w+:\n", b) and not re.match(r"(?:local)?rule all:", b)]
    assert len(jobs) >= 30
    for job in jobs:
        name = job.split(":", 1)[0]
        logs = re.search(r"^\s+log: (.+)$", job, flags=re.M)
        assert logs, f"{name} declares no log"
        # a cached rule may not declare `benchmark:`; its command writes one, declared as a log
        benchmark = re.search(r"^\s+benchmark: \S+\.tsv$", job, flags=re.M) or re.search(
            r"vaelab --benchmark (\S+\.tsv) ", job
        )
        assert benchmark, f"{name} declares no benchmark"
        assert re.search(r"^\s+threads: \d+$", job, flags=re.M), f"{name} declares no threads"
        first_log = logs.group(1).split(", ")[0]
        assert f"> {first_log} 2>&1" in job or f">{first_log} 2>&1" in job or f"--log {first_log}" in job, (
            f"{name}'s command does not write to its log {first_log}"
        )


# --- cross-field checks (vaelab.config_checks), run right after the schema ------------------
def _smoke_config():
    cfg = copy.deepcopy(CONFIG)
    cfg.update(yaml.safe_load((ROOT / "config/smoke.yaml").read_text()))
    return cfg


def test_shipped_configs_pass_the_cross_field_checks(monkeypatch):
    from vaelab.config_checks import check_config

    monkeypatch.chdir(ROOT)
    check_config(CONFIG)
    check_config(_smoke_config())


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"val_size": 60000}, ["val_size: 60000 leaves no training images", "set val_size below 60,000"]),
        ({"subset": {"train": 60000}}, ["subset.train: 60000 is more than the train part holds (54,000"]),
        ({"subset": {"val": 7000}}, ["subset.val: 7000 is more than the val part holds (6,000, val_size)"]),
        ({"subset": {"test": 10001}}, ["subset.test: 10001 is more than the test part holds (10,000"]),
        (
            {"val_size": 70000, "subset": {"val": 80000, "test": 20000}},
            ["val_size: 70000", "subset.val: 80000", "subset.test: 20000"],
        ),  # every problem at once
    ],
)
def test_impossible_settings_are_named_by_key(monkeypatch, tmp_path, change, expected):
    from vaelab.config_checks import ConfigError, check_config

    monkeypatch.chdir(tmp_path)  # no IDX files here: the known size of MNIST is used
    cfg = copy.deepcopy(CONFIG) | change
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    for text in expected:
        assert text in str(err.value)


def test_sizes_come_from_the_idx_headers_of_the_data_folder(tmp_path):
    import gzip

    from vaelab.config_checks import ConfigError, check_config, dataset_sizes

    for name, n in (("train-images-idx3-ubyte.gz", 500), ("t10k-images-idx3-ubyte.gz", 100)):
        with gzip.open(tmp_path / name, "wb") as fh:
            fh.write((2051).to_bytes(4, "big") + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
    cfg = copy.deepcopy(CONFIG) | {
        "dataset": "my-digits",
        "class_names": list("abcdefghij"),
        "class_noun": "glyph",
        "data_dir": str(tmp_path),
        "val_size": 100,
    }
    assert dataset_sizes(cfg)[:2] == (500, 100)
    check_config(cfg | {"subset": {"train": 400, "test": 100}})
    with pytest.raises(ConfigError, match=r"subset.train: 401 .*\(400, the training images left after val_size\)"):
        check_config(cfg | {"subset": {"train": 401}})
    with pytest.raises(ConfigError, match="val_size: 500 leaves no training images.*IDX headers in"):
        check_config(cfg | {"val_size": 500})


def test_an_unknown_dataset_without_its_files_is_left_to_prepare_data(tmp_path):
    from vaelab.config_checks import check_config

    check_config(
        copy.deepcopy(CONFIG)
        | {
            "dataset": "my-digits",
            "class_names": list("abcdefghij"),
            "class_noun": "glyph",
            "data_dir": str(tmp_path),
            "val_size": 10**6,
        }
    )


def test_dry_run_stops_on_an_impossible_val_size_naming_the_key():
    proc = snakemake("-n", "--configfile", "config/smoke.yaml", "--config", "val_size=60000", check=False)
    assert proc.returncode != 0
    assert "val_size: 60000 leaves no training images" in proc.stdout
    assert "prepare_data" not in proc.stdout  # before any job is planned


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"dataset": "my-data"}, ["class_names: dataset 'my-data' is not one vaelab knows", "class_noun: dataset"]),
        ({"dataset": "my-data", "class_names": [str(i) for i in range(10)]}, ["class_noun: dataset 'my-data'"]),
        ({"class_names": ["a", "b"]}, ["class_names: 2 names given", "give 10 names"]),
        ({"dataset": "my-data", "class_noun": "glyph", "class_names": list("abcdefghijk")}, ["11 names given"]),
    ],
)
def test_class_names_are_required_for_an_unknown_dataset_and_must_name_every_label(change, expected):
    """An unknown dataset without its class names, or a count that is not the number of labels,
    stops before any job, naming the key to set."""
    from vaelab.config_checks import ConfigError, check_config

    with pytest.raises(ConfigError) as err:
        check_config(copy.deepcopy(CONFIG) | change)
    for text in expected:
        assert text in str(err.value)


def test_class_names_key_a_known_dataset_or_any_named_one():
    from vaelab.config_checks import config_problems

    assert not config_problems(copy.deepcopy(CONFIG) | {"dataset": "fashion-mnist"})
    named = {"dataset": "my-data", "class_names": list("abcdefghij"), "class_noun": "glyph"}
    assert not [p for p in config_problems(copy.deepcopy(CONFIG) | named) if p.startswith("class")]


def test_the_fashion_overlay_is_valid_and_names_its_outside_set():
    overlay = yaml.safe_load((ROOT / "config/fashion-mnist.yaml").read_text())
    merged = copy.deepcopy(CONFIG)
    update_config(merged, overlay)
    _validate(merged)
    assert merged["dataset"] == "fashion-mnist" and merged["outside"]["dataset"] == "mnist"
    assert (ROOT / merged["outside"]["data_dir"] / "t10k-images-idx3-ubyte.gz").exists()  # shipped


def test_dry_run_stops_on_an_unknown_dataset_without_class_names_naming_the_key():
    proc = snakemake("-n", "--configfile", "config/smoke.yaml", "--config", "dataset=my-data", check=False)
    assert proc.returncode != 0
    assert "class_names: dataset 'my-data' is not one vaelab knows" in proc.stdout
    assert "prepare_data" not in proc.stdout


# --- YAML syntax errors: file and line ----------------------------------------------------
def _workflow_copy(dest):
    import shutil

    for name in ("Snakefile", "workflow", "config"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    return dest


@pytest.mark.parametrize(
    "broken, where",
    [
        (lambda t: t.replace("val_size: 6000 ", "val_size: 6000: ", 1), "line 16, column 15"),
        (lambda t: t.replace("\nseed: 0 ", "\n\tseed: 0 ", 1), "line 13, column 1"),
    ],
)
def test_a_yaml_error_in_config_yaml_names_file_and_line(tmp_path, broken, where):
    _workflow_copy(tmp_path)
    config = tmp_path / "config" / "config.yaml"
    config.write_text(broken(config.read_text()))
    proc = snakemake("-n", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert f"config/config.yaml, {where}:" in proc.stdout


def test_check_yaml_files_names_file_line_and_column(tmp_path):
    from vaelab.config_checks import ConfigError, check_yaml_files

    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("a: 1\nb: [2, 3]\n")
    bad.write_text("a: 1\nb: [2, 3\nc: 4\n")
    check_yaml_files([good, tmp_path / "absent.yaml"])
    with pytest.raises(ConfigError, match=re.escape(str(bad)) + r", line \d+, column \d+: "):
        check_yaml_files([good, bad])


def test_a_yaml_error_in_a_configfile_option_is_snakemakes_to_report(tmp_path):
    """Files given with --configfile are parsed by Snakemake's command line before the Snakefile
    runs (snakemake.settings.types.ConfigSettings), so its message, without file or line, is
    the one shown; `python -m vaelab.config_checks FILE` names the line (README, troubleshooting)."""
    import subprocess
    import sys

    bad = tmp_path / "mine.yaml"
    bad.write_text("results: results/mine\ndataset mnist\n  data_dir: x\n")
    proc = snakemake("-n", "--configfile", str(bad), check=False)
    assert proc.returncode != 0 and "not valid JSON or YAML" in proc.stdout
    check = subprocess.run([sys.executable, "-m", "vaelab.config_checks", str(bad)], capture_output=True, text=True)
    assert check.returncode != 0 and f"{bad}, line 3, column" in check.stderr


def test_a_renamed_key_is_named_with_its_new_name():
    from vaelab.config_checks import ConfigError, check_renamed_keys

    with pytest.raises(ConfigError, match=r"letters_dir is now outside\.data_dir"):
        check_renamed_keys({**CONFIG, "letters_dir": "data/emnist-letters"})
    check_renamed_keys(CONFIG)  # today's keys pass
    with pytest.raises(ConfigError, match=r"training\.hid is now training\.hidden"):
        check_renamed_keys({"training": {"hid": [400]}}, {"training.hid": "training.hidden"})


def test_every_renamed_key_names_a_key_of_the_schema():
    from vaelab.config_checks import RENAMED_KEYS

    for new in RENAMED_KEYS.values():
        node = SCHEMA
        for key in new.split("."):
            node = node["properties"][key]


def test_snakemake_names_the_new_key_of_a_renamed_one(tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("letters_dir: data/emnist-letters\n")
    proc = snakemake("-n", "--configfile", str(old), check=False)
    assert proc.returncode != 0
    assert "letters_dir is now outside.data_dir" in proc.stdout
