#!/usr/bin/env bash
# One-time set-up on Debian 12 with Node 20: Debian packages (Fashion-MNIST, Xvfb, headers to build the
# optional headless-gl addon), pnpm, the workspace's dependencies and a build. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  dataset-fashion-mnist                     # the official Fashion-MNIST IDX files in /usr/share/datasets
  xvfb xauth                                # an X display for headless-gl (gpu.js headlessgl mode)
  libegl-mesa0 libgl1-mesa-dri              # Mesa's EGL and llvmpipe: Dawn's OpenGL ES adapter for the webgpu modes without a GPU
  libxi-dev libglu1-mesa-dev libglew-dev libx11-dev libxext-dev pkg-config  # to build gl from source
  chromium                                  # headless browser the report test renders train --report's page in
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# corepack cannot verify pnpm's signatures on these machines; npm installs it fine.
command -v pnpm >/dev/null || npm install -g pnpm@12 >/dev/null

# node-gyp (building gl) must use the installed Node headers: there is no network to download them, and
# pnpm does not pass npm's own `nodedir` setting on.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

pnpm install --frozen-lockfile
pnpm build
