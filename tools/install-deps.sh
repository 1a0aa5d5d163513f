#!/usr/bin/env bash
# Installs everything gst-ice needs to build, test and run on Debian bookworm.
# Run as root (or with sudo). Idempotent.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libssl-dev zlib1g-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libsoup-3.0-dev libjson-glib-dev glib-networking
  # webrtcbin on gst-ice (gstreamer-webrtc-1.0, webrtcbin, dtls/srtp/sctp)
  libgstreamer-plugins-bad1.0-dev gstreamer1.0-plugins-bad
  # run and test
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libnice-dev gstreamer1.0-nice coturn openssl valgrind python3
  iproute2 iptables conntrack procps
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
