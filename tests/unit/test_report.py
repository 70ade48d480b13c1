"""The HTML report on a tiny fake results tree: figures, captions, provenance, claims, portability."""

import json
import re

import numpy as np
import pytest
from conftest import ROOT

import vaelab
from vaelab.io import write_json
from vaelab.publish import report, report_text
from vaelab.publish.numbers import NumbersError
from vaelab.publish.provenance import record

D = "results/fake"


def write_figure(root, name, category, numbers, png=True, drop=()):
    """A figure as the notebook runner leaves it: PNG, JSON with numbers + provenance, executed notebook."""
    import matplotlib.image

    split = f"{D}/data/split.npz"
    entry = {
        "category": category,
        "json": f"{D}/figures/{name}.json",
        "html": f"{D}/notebooks/{name}.html",
        "notebook_copy": "out/report/notebooks/" + f"{name}.html",
    }
    outputs = [entry["json"]]
    if png:
        entry["png"] = f"{D}/figures/{name}.png"
        matplotlib.image.imsave(root / entry["png"], np.linspace(0, 1, 12).reshape(3, 4))
    else:
        entry["csv"], entry["md"] = f"{D}/figures/{name}.csv", f"{D}/figures/{name}.md"
        (root / entry["csv"]).write_text("model,latent,seed,test_mse\nae,2,0,0.0511521\nae,2,1,0.0521521\n")
        (root / entry["md"]).write_text(
            "| model | latent | n | test_mse |\n|:---|---:|---:|---:|\n| AE | 2 | 2 | 0.0517 ± 0.0007 |\n"
        )
    prov = record(
        rule=f"figure_{name}",
        wildcards={"dataset": "fake"},
        params={"n_grid": 4},
        inputs={"split": split},
        outputs=outputs,
        command=f"snakemake --cores 2 --force {entry.get('png', entry['json'])}",
        notebook=f"notebooks/{name}.ipynb",
        executed_notebook=entry["html"],
    )
    for key in drop:
        prov.pop(key)
    write_json(root / entry["json"], {"figure": name, "numbers": numbers, "provenance": prov})
    (root / entry["html"]).write_text(
        '<html><head><script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>'
        f"</head><body>Warning from {root}/.venv/lib/site.py</body></html>"
    )
    caption = root / f"captions/{name}.rst"
    caption.write_text(f"**{name.replace('_', ' ').title()}.** What is shown and how to read it.\n")
    entry["caption"] = f"captions/{name}.rst"
    return entry


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A results tree with two figures, a metrics table, two models of two seeds each, baselines and
    a selection."""
    monkeypatch.chdir(tmp_path)
    for folder in ("data", "figures", "notebooks", *[f"models/ae_z{z}/seed{s}" for z in (2, 10) for s in (0, 1)]):
        (tmp_path / D / folder).mkdir(parents=True)
    (tmp_path / "captions").mkdir()
    np.savez(
        tmp_path / D / "data/split.npz",
        x_train=np.zeros((6, 4)),
        y_train=np.zeros(6, dtype=np.int64),
        x_val=np.zeros((2, 4)),
        y_val=np.zeros(2, dtype=np.int64),
        x_test=np.zeros((3, 4)),
        y_test=np.zeros(3, dtype=np.int64),
    )
    per_class = [0.05, 0.01, 0.09, 0.05, 0.04, 0.06, 0.05, 0.02, 0.08, 0.03]
    for z, mse, seed in ((2, 0.0511521, 0), (10, 0.0301356, 0), (2, 0.0521521, 1), (10, 0.0311356, 1)):
        write_json(
            tmp_path / D / f"models/ae_z{z}/seed{seed}/metrics.json",
            {
                "test_mse": mse,
                "val_mse": mse,
                "per_class_mse": per_class,
                "model": "ae",
                "latent_dim": z,
                "arch": "mlp",
                "hidden": [16],
                "epochs": 2,
                "train_seconds": 1.5,
                "n_parameters": 1234,
            },
        )
    write_json(
        tmp_path / D / "baselines.json",
        {
            "mean_image": {"test_mse": 0.07, "val_mse": 0.07},
            "pca": {"2": {"test_mse": 0.055}, "10": {"test_mse": 0.034}},
        },
    )
    write_json(tmp_path / D / "selected_latent.json", {"chosen_latent": 10, "rule": "smallest good latent size"})
    manifest = {
        "data_overview": write_figure(tmp_path, "data_overview", "1. Data", {"n_train": 6}),
        "denoising": write_figure(
            tmp_path,
            "denoising",
            "6. Denoising",
            {
                "mse_noisy": {"gaussian": [0.01, 0.1]},
                "mse_denoised": {"ae": {"gaussian": [0.03, 0.05]}},
                "noise": {"gaussian": [0.1, 0.5]},
                "psnr_noisy": {},
                "psnr_denoised": {},
                "mse_clean": {"ae": 0.008},  # below the noisy input at 0.1: every level is judged
                "psnr_clean": {},
                "chosen_latent": 10,
                "models": ["ae"],
                "median_size": 3,
                "n_test": 3,
                "psnr_definition": "",
                "example_indices": [],
                "example_labels": [],
                "seeds": [0, 1],
                "by_seed": {  # seed 0's model does not denoise at 0.1, seed 1's does
                    "0": {
                        "mse_denoised": {"ae": {"gaussian": [0.03, 0.05]}},
                        "psnr_denoised": {},
                        "mse_clean": {"ae": 0.008},
                    },
                    "1": {
                        "mse_denoised": {"ae": {"gaussian": [0.005, 0.05]}},
                        "psnr_denoised": {},
                        "mse_clean": {"ae": 0.008},
                    },
                },
            },
        ),
        "metrics_table": write_figure(tmp_path, "metrics_table", "10. Metrics", {"rows": []}, png=False),
    }
    return tmp_path, manifest


def build(root, manifest, settings=None, metrics=None, rulegraph="rulegraph.svg"):
    """report.build on the fake tree, with the settings and metrics of a one-model run unless given."""
    settings = settings or {
        "config": {
            "dataset": "mnist",  # the claims about MNIST apply
            "models": ["ae"],
            "latent_sizes": [2, 10],
            "seed": 0,
            "data_dir": "data/fake",
        },
        "training": {
            "ae": {"epochs": 2, "batch_size": 8, "lr": 0.001, "weight_decay": 0.0, "beta": 1.0, "recon_loss": "mse"}
        },
        "launch_flags": "--cores 2",
        "run_flags": " --configfile config/smoke.yaml",
    }
    metrics = metrics or [f"{D}/models/ae_z{z}/seed{s}/metrics.json" for z in (2, 10) for s in (0, 1)]
    (root / "rulegraph.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')
    rows = report.build(
        manifest,
        metrics,
        f"{D}/baselines.json",
        f"{D}/selected_latent.json",
        f"{D}/data/split.npz",
        settings,
        "out/report/index.html",
        "out/report/claims.json",
        root=root,
        rulegraph=rulegraph,
    )
    return rows, (root / "out/report/index.html").read_text()


def test_report_has_figures_captions_provenance_and_claims(tree):
    root, manifest = tree
    rows, text = build(root, manifest)
    assert report.check_report(root / "out/report/index.html", root=root) == []
    # numbered in reading order, the table numbered apart, captions rendered from rst
    assert text.index("Figure 1") < text.index("Figure 2") < text.index("Table 1")
    assert "<strong>Data Overview.</strong> What is shown and how to read it." in text
    assert len(re.findall(r'<img src="data:image/png;base64,', text)) == 2
    assert '<img src="data:image/svg+xml;base64,' in text  # the rule graph, in the methods
    # provenance: rule, params, input checksums, rebuild command, notebook linked relatively
    split_sha = json.loads((root / manifest["data_overview"]["json"]).read_text())["provenance"]["inputs"]["split"][
        "sha256"
    ]
    assert re.fullmatch(r"[0-9a-f]{64}", split_sha) and split_sha in text
    assert "figure_data_overview" in text and "n_grid=4" in text
    assert "snakemake --cores 2 --force results/fake/figures/data_overview.png" in text
    assert 'href="notebooks/data_overview.html"' in text
    # the metrics table shows its Markdown summary (mean ± sd over seeds); the CSV is its download
    assert "<td>0.0517 ± 0.0007</td>" in text and "<th>n</th>" in text
    # sections in the study's order, claims before the metrics table, methods last
    headings = re.findall(r"<h2>(\d+)\. ([^<]+)</h2>", text)
    assert [t for _, t in headings] == ["Data", "Denoising", "Claims", "Metrics", "Methods and reproducibility"]
    assert [int(n) for n, _ in headings] == [1, 2, 3, 4, 5]
    # claims: judged on each seed; the denoising claim holds on seed 1 only and is shown unstable,
    # with each seed's verdict and numbers
    verdict = {r["id"]: r["status"] for r in rows}
    assert verdict["a"] == "holds" and verdict["j"] == "unstable" and verdict["e"] == "not evaluated"
    assert text.count('class="badge unstable"') == 1 and text.count('class="badge fails"') == 1
    assert "holds in 1 of 2 seeds" in text and "seed 0: " in text and "seed 1: " in text
    assert "holds in 2 of 2 seeds" in text  # claim a
    saved = json.loads((root / "out/report/claims.json").read_text())
    assert len(saved["claims"]) == 16 and saved["seeds"] == [0, 1]
    assert saved["summary"] == {
        "holds": 3,
        "unstable": 1,
        "does not hold": 0,
        "not evaluated": 11,
        "not applicable": 1,  # claim p, about Fashion-MNIST
    }
    assert "3 hold, 1 unstable, 0 do not, 11 not evaluated, 1 not applicable" in text
    # the source publications' claims in a table of their own, each with its source
    assert "What the source publications state, checked" in text and "Stated by the VAE applications" in text
    assert "there is no Z" in text
    # methods: one row per model, latent size and seed
    assert re.search(r"<td>ae</td><td>10</td><td>1</td>", text)
    # methods: split sizes from the npz headers, training settings, the smoke profile flagged
    assert "6 training, 2 validation and 3 test images" in text
    assert "Optimiser AdamW" in text  # read from the training code
    assert "Built with <code>--configfile config/smoke.yaml</code>" in text


def test_report_is_portable(tree):
    root, manifest = tree
    _, text = build(root, manifest)
    assert str(root) not in text and str(root.resolve()) not in text
    assert "cdnjs" not in text and 'src="http' not in text
    copy = (root / "out/report/notebooks/data_overview.html").read_text()
    assert "cdnjs" not in copy and str(root) not in copy
    assert "Warning from .venv/lib/site.py" in copy


def test_config_overrides_are_shown_without_outside_paths(tree):
    root, manifest = tree
    settings = {
        "config": {
            "dataset": "fashion",
            "class_names": list("abcdefghij"),
            "class_noun": "item",
            "data_dir": "/elsewhere/data/fashion",
        },
        "launch_flags": "--cores 2",
        "run_flags": " --config dataset=fashion data_dir=/elsewhere/data/fashion seed=3",
    }
    build(root, manifest, settings=settings, metrics=[f"{D}/models/ae_z2/seed0/metrics.json"], rulegraph=None)
    text = (root / "out/report/index.html").read_text()
    assert "--config dataset=fashion data_dir=…/fashion seed=3" in text
    assert "fashion at latent sizes" in text and "AE, VAE and CVAE" not in text  # prose follows the config
    assert "/elsewhere" not in text


def test_missing_provenance_names_the_figure_and_keys(tree):
    root, manifest = tree
    manifest["denoising"] = write_figure(root, "denoising", "6. Denoising", {}, drop=("git", "command"))
    with pytest.raises(report.ReportError, match=r"figure denoising .*provenance lacks git, command"):
        build(root, manifest)
    assert not (root / "out/report/index.html").exists()


def test_figure_without_provenance_block_fails(tree):
    root, manifest = tree
    path = root / manifest["data_overview"]["json"]
    path.write_text(json.dumps({"figure": "data_overview", "numbers": {}}))
    with pytest.raises(report.ReportError, match="figure data_overview .*provenance lacks rule, wildcards"):
        build(root, manifest)


def test_check_report_finds_problems(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<html><body><a href="#nowhere">x</a><a href="notebooks/missing.html">nb</a>'
        '<a href="ro-crate-metadata.json">crate</a><a href="ro-crate-preview.html">crate</a>'
        f'<figure data-name="a"><img src="{tmp_path}/a.png"></figure>'
        '<figure data-name="b"><img src="data:image/png;base64,AAAA">'
        '<details class="provenance" data-figure="b"><table><tr data-key="rule"></tr></table></details></figure>'
        "</body></html>"
    )
    problems = report.check_report(page, root=tmp_path)
    text = "\n".join(problems)
    assert "neither embedded nor a file" in text
    assert "link #nowhere points to no element" in text
    assert "notebooks/missing.html" in text
    assert "ro-crate" not in text  # written beside the page by the crate rule, after the report
    assert "figure a has no provenance block" in text
    assert "figure b: provenance block lacks wildcards, params, inputs" in text
    assert "no claims table" in text
    assert f"absolute path {tmp_path}" in text


def test_sections_follow_the_figure_table_with_claims_before_the_tables():
    figs = [
        report.Figure(name=n, category=c, json="", csv=csv)
        for n, c, csv in (
            ("a", "1. Latent space", None),
            ("b", "1. Latent space", None),
            ("i", "2. Imputation", None),
            ("m", "3. Metrics", "m.csv"),
        )
    ]
    order = report.order_sections(figs)
    assert [t for t, _ in order] == ["Latent space", "Imputation", "Claims", "Metrics"]
    assert [f.name for f in order[0][1]] == ["a", "b"] and order[2][1] is None
    assert [t for t, _ in report.order_sections(figs[:3])][-1] == "Claims"  # no table: claims last


def test_view_helpers():
    fig = report.Figure(name="latent_tsne", category="4. Latent space", json="", png="x.png", number=9)
    caption = "**Latent space, t-SNE.** A map of the latents, e.g. of digits. t-SNE keeps neighbourhoods.\n"
    assert report_text.alt_text(fig, caption) == "Figure 9: Latent space, t-SNE. A map of the latents, e.g. of digits."
    assert report_text.alt_text(fig, None) == "Figure 9: latent tsne."
    assert (
        report_text.join_words(["AE"]) == "AE" and report_text.join_words(["AE", "VAE", "CVAE"]) == "AE, VAE and CVAE"
    )
    from vaelab.rebuild import rebuild_command

    flags = " --configfile config/smoke.yaml --config seed=3"
    assert (
        rebuild_command("a.png", launch_flags="--cores 3", force=True, run_flags=flags)
        == f"snakemake --cores 3 --force a.png{flags}"
    )
    assert rebuild_command(report="r.html") == "snakemake --report r.html"
    with pytest.raises(ValueError, match="launch flags"):  # no silent `--cores 2`
        rebuild_command("a.png", run_flags=flags)


def test_the_rebuild_commands_repeat_how_the_run_was_started(tree):
    """Issue 22: the report's commands say the run's own --cores or --profile, not a fixed --cores."""
    root, manifest = tree
    settings = {
        "config": {"dataset": "fake", "class_names": list("abcdefghij"), "class_noun": "item", "models": ["ae"]},
        "launch_flags": "--profile profiles/slurm",
        "run_flags": " --configfile config/smoke.yaml",
    }
    _, text = build(root, manifest, settings=settings, metrics=[f"{D}/models/ae_z2/seed0/metrics.json"])
    steps = re.findall(r'<code class="cmd">(snakemake [^<]*)</code>', text)
    assert "snakemake --profile profiles/slurm --configfile config/smoke.yaml" in steps, steps
    assert "snakemake --profile profiles/slurm out/report/index.html --configfile config/smoke.yaml" in steps, steps
    assert not [s for s in steps if "--cores 8" in s]


def test_helpers():
    assert (
        report_text.relativise("/a/b/x and data:image/png;base64,/a/b/", ["/a/b"])
        == "x and data:image/png;base64,/a/b/"
    )
    assert report_text.rst_to_html("**Bold.** text").strip() == "<p><strong>Bold.</strong> text</p>"


def test_main_writes_report_and_exits_nonzero_on_missing_provenance(tree, capsys):
    root, manifest = tree
    args = [
        "--figures",
        json.dumps(manifest),
        "--settings",
        "{}",
        "--launch-flags=--cores 2",
        "--metrics",
        f"{D}/models/ae_z2/seed0/metrics.json",
        "--baselines",
        f"{D}/baselines.json",
        "--selection",
        f"{D}/selected_latent.json",
        "--split",
        f"{D}/data/split.npz",
        "--out",
        "out/report/index.html",
        "--out-claims",
        "out/report/claims.json",
    ]
    report.main(args)
    assert (root / "out/report/index.html").exists()
    manifest["data_overview"] = write_figure(root, "data_overview", "1. Data", {}, drop=("inputs",))
    args[1] = json.dumps(manifest)
    with pytest.raises(SystemExit) as exit_:
        report.main(args)
    assert exit_.value.code == 1
    assert "figure data_overview" in capsys.readouterr().err


def test_a_damaged_figure_json_is_named_with_its_redraw_command_and_the_old_crate_goes(tree, capsys):
    """A truncated figure JSON: the report names the file and the command that redraws the
    figure, and the crate that described the previous report is gone with it."""
    root, manifest = tree
    report_dir = root / "out/report"
    (report_dir / "files").mkdir(parents=True)
    for name in ("ro-crate-metadata.json", "ro-crate-preview.html", "README.md", "files/x.json"):
        (report_dir / name).write_text("{}")
    damaged = root / manifest["data_overview"]["json"]
    damaged.write_bytes(damaged.read_bytes()[:100])
    args = [
        "--figures",
        json.dumps(manifest),
        "--launch-flags=--cores 2",
        "--run-flags= --configfile config/smoke.yaml",
        "--metrics",
        f"{D}/models/ae_z2/seed0/metrics.json",
        "--baselines",
        f"{D}/baselines.json",
        "--selection",
        f"{D}/selected_latent.json",
        "--split",
        f"{D}/data/split.npz",
        "--out",
        "out/report/index.html",
        "--out-claims",
        "out/report/claims.json",
    ]
    with pytest.raises(SystemExit) as exit_:
        report.main(args)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"figure data_overview ({manifest['data_overview']['json']}): not valid JSON (" in err, err
    png = manifest["data_overview"]["png"]
    assert f"redraw it: snakemake --cores 2 --force {png} --configfile config/smoke.yaml" in err, err
    assert sorted(p.name for p in report_dir.iterdir()) == []


def test_figure_numbers_of_the_wrong_shape_fail_the_report(tree):
    root, manifest = tree
    manifest["denoising"] = write_figure(root, "denoising", "6. Denoising", {"mse_noisy": {"gaussian": [0.01]}})
    with pytest.raises(NumbersError, match=r"denoising\.json numbers: the top level lacks .*'mse_denoised'"):
        build(root, manifest)
    assert not (root / "out/report/index.html").exists()


@pytest.mark.parametrize("overlay", [None, "config/fashion-mnist.yaml"])
def test_every_caption_renders_in_the_words_of_its_dataset(overlay):
    """Captions are Jinja templates (as `snakemake --report` reads them): on MNIST they speak of
    digits, on Fashion-MNIST of items, naming its outside set, and never of digits but as that
    set's name."""
    import copy

    import yaml
    from snakemake.utils import update_config

    from vaelab.data.classes import config_classes

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    if overlay:
        update_config(config, yaml.safe_load((ROOT / overlay).read_text()))
    config["tsne"]["pca_dims"] = 37  # a setting the captions name comes from the config, not the text
    words = report_text.caption_words(config_classes(config), copy.deepcopy(config))
    captions = sorted((ROOT / "workflow/report").glob("*.rst"))
    texts = {p.stem: report_text.render_caption(p.read_text(), words) for p in captions if p.name != "workflow.rst"}
    assert len(texts) >= 16 and not any("{{" in t or "{%" in t for t in texts.values())
    assert "PCA to 37 dimensions" in " ".join(texts["data_overview"].split())
    if overlay is None:
        assert "Test error per digit." in texts["per_class_mse"] and "EMNIST letters a-m" in texts["anomaly_detection"]
        assert "4 and 9 share one region" in texts["data_overview"]
    else:
        assert (
            "Test error per item." in texts["per_class_mse"]
            and "MNIST digits, never seen" in texts["anomaly_detection"]
        )
        for name, text in texts.items():
            assert "digit" not in text.replace("MNIST digits", "").lower(), name


def test_the_header_and_each_figure_name_vaelab_s_version(tree):
    root, manifest = tree
    _, text = build(root, manifest)
    header = re.search(r'<header class="title">.*?</header>', text, flags=re.S).group(0)
    assert f"vaelab {vaelab.__version__}," in header
    # a figure's provenance lists the environment that drew it, vaelab's version among it
    environment = re.findall(r'<tr data-key="versions"><th>Environment</th><td>([^<]*)</td>', text)
    assert environment and all(f"vaelab {vaelab.__version__}" in e for e in environment)
