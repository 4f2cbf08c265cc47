#!/usr/bin/env bash
# What the document and dashboard tests need besides Rust: Chromium (headless) and its WebDriver (chromedriver, for the web server's browser test), CJK fonts (Noto CJK, and the Fandol
# family, the only free 仿宋), an emoji font, poppler-utils (pdftotext, pdfinfo, pdftoppm), zbar-tools (zbarimg, a QR decoder), Python's icalendar and aiosmtpd (an SMTP server for the notify test).
# Fandol ships inside texlive-lang-chinese; only its font files are extracted,
# TeX itself is not installed. Safe to run again.
set -euo pipefail
need=()
fc-list 2>/dev/null | grep -q "Noto Sans CJK SC" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "Noto Color Emoji" || need+=(fonts-noto-color-emoji)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v script >/dev/null || need+=(bsdutils)   # script: a pseudo-terminal for the prompt tests
command -v fc-list >/dev/null || need+=(fontconfig)
# The calendar test reads the exported .ics with an independent parser (Debian's Python, not a pyenv one).
/usr/bin/python3 -c "import icalendar" 2>/dev/null || need+=(python3-icalendar)
# The notify test sends mail to a real SMTP server on the loopback interface.
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need+=(python3-aiosmtpd)
# The dashboard test opens the built site in headless Chromium.
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || need+=(chromium)
# The web server's browser test drives Chromium through its WebDriver.
command -v chromedriver >/dev/null || need+=(chromium-driver)
# The receipt test reads the QR code off the printed page with an independent decoder (zbar).
command -v zbarimg >/dev/null || need+=(zbar-tools)
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
if [ ${#need[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! fc-list | grep -q "FandolFang"; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null 2>&1 || { $sudo apt-get update -qq && apt-get download texlive-lang-chinese >/dev/null; })
  dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
  $sudo mkdir -p /usr/local/share/fonts/fandol
  $sudo cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Song,Hei,Kai,Fang}-*.otf /usr/local/share/fonts/fandol/
  rm -rf "$tmp"
  fc-cache -f >/dev/null 2>&1 || true
fi
