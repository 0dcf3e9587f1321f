#!/usr/bin/env bash
# Installs the real programs the end-to-end tests drive: Prometheus and Alertmanager (Debian packages;
# nothing is started or enabled). Needs root (or sudo). Idempotent: does nothing when both are present.
set -euo pipefail
if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null && command -v promtool >/dev/null && command -v amtool >/dev/null; then
  echo "setup:e2e: prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') and alertmanager already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends prometheus prometheus-alertmanager
# The Debian packages may start services on some systems; the tests run their own instances on loopback.
$SUDO systemctl disable --now prometheus prometheus-alertmanager prometheus-node-exporter >/dev/null 2>&1 || true
