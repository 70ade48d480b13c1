#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver for the browser test of the report (tests/workflow/test_report_browser.py).
# Idempotent: exits at once when both are there. Needs root and apt; never downloads a browser build.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_chromium: not root; install the Debian packages chromium and chromium-driver" >&2
    exit 2
fi
if ! command -v apt-get >/dev/null; then
    echo "install_chromium: no apt-get; install chromium and chromedriver at /usr/bin" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
# another apt run (a parallel install) holds the lock: wait for it rather than fail
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver
test -x /usr/bin/chromium && test -x /usr/bin/chromedriver
