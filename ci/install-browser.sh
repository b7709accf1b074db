#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser test (CTest
# e2e.dashboard: headless Chromium loads the site from disk). Kept out of
# ci/install.sh so that building openrace (and its container image) does
# not pull in a browser. Idempotent.
#   ci/install-browser.sh
set -euo pipefail
exec "$(dirname "$0")/install.sh" chromium
