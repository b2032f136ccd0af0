#!/usr/bin/env bash
# GPU check: the whole Backend conformance suite in every GPU mode that opens (gpujs:webgpu on Dawn,
# gpujs:headlessgl, tfjs:webgpu on Dawn), then LeNet training samples/s (seed recipe) at batch 32, 256 and
# 1024 in each of them next to the cpu backend; one process per mode, all as JSON, within 5 minutes.
#
# GPU machines here reach no registry, so the check runs from a self-contained kit (.gpu-check/ at the
# repository root, git-ignored), made on a machine where the workspace is installed:
#
#   bash packages/backend-gpujs/scripts/gpu-check.sh --prepare   # here: bundle + node + gl + webgpu + cpu backend + Vulkan loader
#   bash packages/backend-gpujs/scripts/gpu-check.sh             # on the GPU machine (device run with carry [".gpu-check"])
#
# The run installs what it needs from the kit (node if the machine has none or an old one, the Vulkan
# loader if missing), finds the NVIDIA Vulkan driver for WebGPU (Dawn), starts Xvfb for headlessgl when one
# is installed (webgpu runs without DISPLAY, as on a headless server), and stops itself within 300 seconds.
# Exit status: 0 every check passed and a webgpu target ran on a hardware adapter, 1 a check failed (or a
# suite did not finish in time), 2 no GPU target opened or all ran on software (llvmpipe).
# Results: gpu-check.json (and gpu-check.log) in $OUT, else in the kit; the log says why a target did not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
KIT="${GPU_CHECK_KIT:-$ROOT/.gpu-check}"
PACKAGE="$ROOT/packages/backend-gpujs"

prepare() {
  mkdir -p "$KIT/node_modules" "$KIT/debs"

  echo "bundling the runner"
  (cd "$PACKAGE" && GPU_CHECK_KIT="$KIT" npx tsup --config scripts/gpu-check.tsup.config.ts --silent)
  cp "$ROOT/packages/core/src/testing/fixtures/lenet-step-tfjs-layers.json" "$KIT/"

  echo "building the cpu backend (its worker threads load dist/worker.js, so it stays outside the bundle)"
  (cd "$ROOT" && pnpm --filter @lenet-ts/backend-cpu... run build >/dev/null)

  echo "copying gl, webgpu and the cpu backend with their runtime dependencies"
  # gl resolved from gpu.js, webgpu (Dawn 0.6) from this package (gpu.js itself pins an older one that
  # needs glibc 2.38); build-time dependencies stay behind.
  (cd "$PACKAGE" && node - "$KIT/node_modules" <<'NODE'
const { createRequire } = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const target = process.argv[2];
const buildOnly = new Set(['nan', 'node-abi', 'node-gyp', 'prebuild-install', '@webgpu/types']);
const gpujs = path.dirname(require.resolve('gpu.js/package.json', { paths: [process.cwd()] }));
const copied = new Set();
function copy(name, fromDir) {
  if (copied.has(name) || buildOnly.has(name)) return;
  let manifest;
  try {
    manifest = createRequire(path.join(fromDir, 'package.json')).resolve(`${name}/package.json`);
  } catch {
    console.log(`  ${name}: not installed here, skipped`);
    return;
  }
  copied.add(name);
  const dir = path.dirname(fs.realpathSync(manifest));
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  fs.cpSync(dir, path.join(target, name), {
    recursive: true,
    dereference: true,
    filter: (src) => {
      const rel = path.relative(dir, src);
      if (rel.split(path.sep)[0] === 'node_modules') return false;
      // gl: keep the addon, drop the object files and static libraries of its build.
      if (rel.startsWith(path.join('build', 'Release')) && rel !== path.join('build', 'Release') && !rel.endsWith('.node')) return false;
      if (/^(deps|angle|src\/native|test)(\/|$)/.test(rel) && name === 'gl') return false;
      // Workspace packages: the built dist/ and package.json, not their sources and tests.
      if (name.startsWith('@lenet-ts/') && rel !== '' && rel !== 'package.json' && !/^dist(\/|$)/.test(rel)) return false;
      // webgpu: only the Linux x64 Dawn binary.
      if (name === 'webgpu' && /^dist\/[^/]+/.test(rel) && !/^dist\/linux-x64(\/|$)/.test(rel)) return false;
      return true;
    },
  });
  for (const dep of Object.keys(pkg.dependencies ?? {})) copy(dep, dir);
}
copy('gl', gpujs);
copy('webgpu', process.cwd());
// The cpu backend as the workspace built it (dist/), with @lenet-ts/core and its dependencies.
copy('@lenet-ts/backend-cpu', path.join(process.cwd(), '../../apps/cli'));
console.log(`  copied: ${[...copied].join(', ')}`);
NODE
  )

  # The Dawn binary is most of the kit; the run unpacks it.
  find "$KIT/node_modules/webgpu" -name 'dawn.node' -exec xz -f -T0 -6 {} \;

  echo "compressing this machine's node ($(node --version)) for machines without one"
  xz -T0 -6 -c "$(command -v node)" >"$KIT/node.xz"
  node --version >"$KIT/node.version"

  echo "downloading the Vulkan loader (Dawn needs libvulkan.so.1)"
  (cd "$KIT/debs" && rm -f ./*.deb && apt-get download libvulkan1 >/dev/null)
  du -sh "$KIT"
  echo "kit ready: $KIT (carry it as .gpu-check)"
}

run() {
  local started out
  started=$(date +%s)
  out="${OUT:-$KIT}"
  [ -f "$KIT/gpu-check.cjs" ] || { echo "no kit at $KIT: run '$0 --prepare' on a machine with the workspace installed, then carry .gpu-check" >&2; exit 2; }

  echo "== machine"
  nvidia-smi -L 2>/dev/null || echo "nvidia-smi: not found"
  grep -m1 PRETTY_NAME /etc/os-release 2>/dev/null || true
  ldd --version 2>/dev/null | head -1 || true

  # node: the machine's own if it is 20 or newer, else the kit's.
  local node=node
  if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
    node=/tmp/gpu-check-node
    if command -v xz >/dev/null; then xz -dc "$KIT/node.xz" >"$node"; else python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$KIT/node.xz" "$node"; fi
    chmod +x "$node"
  fi
  echo "node: $("$node" --version) ($node)"
  find "$KIT/node_modules/webgpu" -name 'dawn.node.xz' | while read -r packed; do
    if command -v xz >/dev/null; then xz -dc "$packed" >"${packed%.xz}"; else python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$packed" "${packed%.xz}"; fi
  done

  # Vulkan for Dawn: the loader from the kit when the system has none, and the NVIDIA driver's manifest.
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
    rm -rf /tmp/gpu-check-vulkan
    for deb in "$KIT"/debs/*.deb; do dpkg -x "$deb" /tmp/gpu-check-vulkan; done
    export LD_LIBRARY_PATH="/tmp/gpu-check-vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "vulkan loader: from the kit"
  fi
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; echo "vulkan driver: $icd"; break; fi
  done

  # headlessgl needs an X display; with Xvfb installed it renders there (on Mesa unless GLX reaches the GPU).
  local xvfb_pid=""
  if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
    Xvfb :97 -screen 0 1x1x24 >/dev/null 2>&1 &
    xvfb_pid=$!
    export DISPLAY=:97
    sleep 1
    echo "display: Xvfb :97"
  fi

  echo "== targets (each in a process of its own)"
  local left=$((285 - ($(date +%s) - started)))
  local status=0
  (cd "$KIT" && timeout "$((left + 10))" "$node" gpu-check.cjs --seconds "$left" --batches 32,256,1024 \
    --fixture "$KIT/lenet-step-tfjs-layers.json" --json "$out/gpu-check.json") 2>&1 | tee "$out/gpu-check.log" || status=${PIPESTATUS[0]}
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  echo "== done in $(($(date +%s) - started))s, status $status"
  exit "$status"
}

case "${1:-}" in
  --prepare) prepare ;;
  "") run ;;
  *) echo "usage: $0 [--prepare]" >&2; exit 64 ;;
esac
