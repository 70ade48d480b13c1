"""The smoke run's report in a real browser: Debian's headless Chromium driven by Selenium.

Checked: every image decodes; every in-page and local link resolves; the provenance blocks
open; nothing is logged to the console as an error; no network request at all (only file://
and data: URLs); no sideways scrolling at a phone's width or a desktop's; alt text that says
what each figure shows; headings in order; and printed to PDF, each figure with its caption
and provenance line on one page. The folder moved elsewhere passes the same checks.

`pytest -m browser` runs it alone. Chromium and ChromeDriver are Debian's, installed by
tools/install_chromium.sh when missing (root with apt); where they cannot be, the tests skip
and say why. Screenshots and the PDF are kept in the smoke copy's
results/smoke/test-artifacts/browser/, named at the end of the pytest run.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import ARTIFACTS, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.smoke]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
REPORT = "results/smoke/report"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
# Written beside the report by the `crate` rule (workflow/rules/publish.smk) after the report
# itself; the page links to them unconditionally. Missing is allowed only in a workflow
# without that rule.
CRATE_FILES = ("ro-crate-metadata.json", "ro-crate-preview.html")


def chromium_or_skip() -> None:
    """Install Debian's Chromium and ChromeDriver when missing, or skip saying why."""
    if os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK):
        return
    proc = subprocess.run(["bash", str(ROOT / "tools/install_chromium.sh")], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(
            f"Chromium cannot be installed here (tools/install_chromium.sh exited {proc.returncode}: "
            f"{(proc.stderr or proc.stdout).strip()[-300:]})"
        )


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})

    def no_download(*args, **kwargs):
        raise AssertionError("Selenium Manager was asked for a driver: it would download one")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SeleniumManager, "binary_paths", no_download)
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def artifacts(smoke_tree):
    folder = smoke_tree / "results/smoke/test-artifacts/browser"
    folder.mkdir(parents=True, exist_ok=True)
    ARTIFACTS.append(("browser test screenshots and PDF of the report", folder))
    return folder


@pytest.fixture(scope="module")
def crate_expected(smoke_tree) -> bool:
    return (smoke_tree / "workflow/rules/publish.smk").exists()


@pytest.fixture(scope="module", params=["in-place", "moved"])
def index(request, smoke_tree, tmp_path_factory) -> Path:
    """index.html where the run wrote it, and in a copy of the folder outside the project."""
    report = smoke_tree / REPORT
    if request.param == "moved":
        report = Path(shutil.copytree(report, tmp_path_factory.mktemp("elsewhere") / "report"))
    return report / "index.html"


def load(driver, index: Path, size: str = "desktop") -> None:
    """Open the page at a viewport size, with the console and network logs emptied first."""
    width, height = SIZES[size]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": size == "phone"},
    )
    driver.get_log("browser"), driver.get_log("performance")
    driver.get(index.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def requested_urls(driver) -> list[str]:
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    return [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]


def test_every_image_decodes(browser, index):
    load(browser, index)
    images = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const imgs = [...document.images];
        Promise.allSettled(imgs.map(i => i.decode())).then(r => done(imgs.map((img, k) =>
            [img.closest('figure') ? img.closest('figure').dataset.name : img.alt, img.naturalWidth, r[k].status])));
    """)
    assert len(images) >= 15  # every figure but the metrics table (and the rule graph when drawn)
    broken = [(name, status) for name, width, status in images if width == 0 or status != "fulfilled"]
    assert not broken, f"images that do not decode: {broken}"


def test_every_link_resolves(browser, index, crate_expected):
    load(browser, index)
    links = browser.execute_script("""
        return [...document.querySelectorAll('a[href]')].map(a => {
            const href = a.getAttribute('href');
            return [href, a.href, href.startsWith('#') ? !!document.getElementById(href.slice(1)) : null];
        });""")
    assert len(links) > 30
    problems = []
    for href, resolved, target_found in links:
        if href.startswith("#"):
            if not target_found:
                problems.append(f"{href}: no element with that id")
        elif resolved.startswith("data:"):
            continue
        elif resolved.startswith("file://"):
            path = Path(unquote(urlparse(resolved).path))
            if not path.exists() and not (href in CRATE_FILES and not crate_expected):
                problems.append(f"{href}: {path} does not exist")
            elif not path.resolve().is_relative_to(index.parent.resolve()):
                problems.append(f"{href}: leaves the report folder")
        else:
            problems.append(f"{href}: neither in the page nor a file of the report folder")
    assert not problems, "\n".join(problems)
    assert {h for h, _, _ in links} >= set(CRATE_FILES)  # the run's RO-Crate is linked


def test_provenance_blocks_open(browser, index):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    load(browser, index)
    blocks = browser.find_elements(By.CSS_SELECTOR, "details.provenance")
    assert len(blocks) >= 16
    for block in blocks:
        summary = block.find_element(By.TAG_NAME, "summary")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
        # on the word "Provenance", not on the notebook link further along the line
        ActionChains(browser).move_to_element_with_offset(
            summary, -summary.size["width"] // 2 + 30, 0
        ).click().perform()
        assert block.get_attribute("open") is not None, f"{block.get_attribute('data-figure')} did not open"
        assert block.find_element(By.CSS_SELECTOR, "tr[data-key=command]").is_displayed()
    toggle = browser.find_element(By.ID, "toggle-provenance")
    browser.execute_script("arguments[0].scrollIntoView()", toggle)
    count = "return document.querySelectorAll('details.provenance[open]').length"
    toggle.click()
    assert browser.execute_script(count) == len(blocks) and toggle.text == "Close all provenance"
    toggle.click()
    assert browser.execute_script(count) == 0 and toggle.text == "Open all provenance"


def test_no_console_error_and_no_network_request(browser, index):
    load(browser, index)
    browser.execute_script("document.getElementById('toggle-provenance').click()")
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, "console errors:\n" + "\n".join(errors)
    urls = requested_urls(browser)
    assert index.as_uri() in urls  # the log does record requests
    remote = [u[:120] for u in urls if not u.startswith(("file://", "data:"))]
    assert not remote, f"the page asked the network for: {remote}"


@pytest.mark.parametrize("size", SIZES)
def test_fits_the_screen(browser, smoke_tree, artifacts, size):
    load(browser, smoke_tree / REPORT / "index.html", size)
    width, scroll = browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    wide = browser.execute_script("""
        return [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > window.innerWidth + 1 && !e.closest('.scroll') && getComputedStyle(e).display !== 'none';
        }).slice(0, 5).map(e => e.tagName + '.' + e.className);""")
    save_screenshots(browser, artifacts, size)
    assert scroll <= width, f"{size}: page is {scroll}px wide in a {width}px window; too wide: {wide}"
    assert not wide, f"{size}: elements wider than the window: {wide}"


def save_screenshots(driver, folder: Path, size: str) -> None:
    """The top of the page, a figure with its provenance open, and the whole page."""
    import base64

    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(folder / f"{size}-top.png"))
    driver.execute_script("""const d = document.querySelector('#fig-latent_tsne details.provenance');
        d.open = true; d.closest('figure').scrollIntoView();""")
    driver.save_screenshot(str(folder / f"{size}-figure.png"))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = SIZES[size][0]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1},
        },
    )
    (folder / f"{size}-full.png").write_bytes(base64.b64decode(shot["data"]))


def test_images_say_what_they_show(browser, index):
    load(browser, index)
    images = browser.execute_script("""
        return [...document.querySelectorAll('figure img')].map(i =>
            [i.closest('figure').dataset.name, i.alt, i.closest('figure').querySelector('figcaption').textContent]);""")
    assert len(images) >= 15
    for name, alt, caption in images:
        words = " ".join(caption.split())
        text = re.sub(r"^Figure \d+: ", "", alt)
        assert alt.startswith("Figure ") and len(text.split()) >= 6, f"{name}: alt text {alt!r} says too little"
        assert text[:40] in words, f"{name}: alt text {alt!r} is not drawn from the caption"
    others = browser.execute_script("return [...document.querySelectorAll('img:not(figure img)')].map(i => i.alt)")
    assert all(len(alt.split()) >= 6 for alt in others), others  # the rule graph's, when drawn


def test_headings_are_in_order(browser, index):
    load(browser, index)
    levels = browser.execute_script(
        "return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [+h.tagName[1], h.textContent])"
    )
    assert [lvl for lvl, _ in levels].count(1) == 1 and levels[0][0] == 1
    for (before, _), (level, text) in zip(levels, levels[1:]):
        assert level <= before + 1, f"heading {text!r} (h{level}) follows an h{before}: a level is skipped"


def test_prints_each_figure_on_one_page(browser, smoke_tree, artifacts):
    """Print to PDF; on the page where a figure's label is, its image (same pixel size) and its
    provenance line are too: no figure block is split across pages."""
    import base64
    import io

    from pypdf import PdfReader

    load(browser, smoke_tree / REPORT / "index.html")
    figures = browser.execute_script("""
        return [...document.querySelectorAll('figure.figure')].map(f => {
            const img = f.querySelector('img');
            return [f.querySelector('.label').textContent + ' ' + f.querySelector('.figname').textContent,
                    f.querySelector('details.provenance > summary code').textContent,
                    img ? [img.naturalWidth, img.naturalHeight] : null];
        });""")
    pdf = base64.b64decode(
        browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})["data"]
    )
    (artifacts / "report.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    texts = ["".join(page.extract_text().split()) for page in reader.pages]
    sizes = [image_sizes(page) for page in reader.pages]
    ARTIFACTS.append((f"report printed to PDF: {len(reader.pages)} pages", artifacts / "report.pdf"))
    assert len(figures) >= 16
    problems = []
    for label, rule, size in figures:
        key = "".join(label.split())
        pages = [i for i, t in enumerate(texts) if key in t]
        if len(pages) != 1:
            problems.append(f"{label}: its caption is on pages {pages}")
            continue
        page = pages[0]
        if size and tuple(size) not in sizes[page]:
            problems.append(f"{label}: its {size[0]}x{size[1]} image is not on page {page + 1} with its caption")
        if f"Provenance:{rule}" not in texts[page]:
            problems.append(f"{label}: its provenance line is not on page {page + 1} with its caption")
    assert not problems, "\n".join(problems)


def image_sizes(page) -> set[tuple[int, int]]:
    """(width, height) in pixels of the images drawn on a PDF page."""
    xobjects = page.get("/Resources", {}).get("/XObject", {})
    out = set()
    for ref in xobjects.values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            out.add((int(obj["/Width"]), int(obj["/Height"])))
        elif obj.get("/Subtype") == "/Form":  # images may sit inside a form XObject
            out |= image_sizes(obj)
    return out
