#!/usr/bin/env bash
# bench:gpu on a GPU machine that has neither Node nor npm nor a network, from the archive that
# `npm run bench:gpu:pack` writes (.device-pack/gpu-bench.tar.xz; carry `.device-pack` to the machine).
# Prints bench:gpu's JSON and leaves it in $OUT/gpu-bench.json, its log in $OUT/gpu-bench.log and the GPU's name,
# memory and driver in $OUT/gpu.txt. Arguments go to bench:gpu (`--gpu vulkan` unless they name another).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pack=${SELFALIGN_GPU_PACK:-$repo/.device-pack/gpu-bench.tar.xz}
[ -f "$pack" ] || { echo "no pack at $pack: run npm run bench:gpu:pack here first, and carry .device-pack" >&2; exit 2; }
root=$(mktemp -d "${TMPDIR:-/tmp}/selfalign-gpu-bench.XXXXXX")
trap 'rm -rf "$root"' EXIT
tar -xJf "$pack" -C "$root"

# Vulkan's loader and the libraries NVIDIA's Vulkan driver loads, unpacked beside the bench rather than into /.
if compgen -G "$root/vulkan/*.deb" > /dev/null; then
  for deb in "$root"/vulkan/*.deb; do dpkg-deb -x "$deb" "$root/vulkan/root"; done
  export LD_LIBRARY_PATH="$root/vulkan/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# NVIDIA's driver lives in a mount of its own on these machines; the loader is told where its manifest is.
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export LD_LIBRARY_PATH="/usr/local/nvidia/lib64:/usr/local/nvidia/lib:$LD_LIBRARY_PATH"
fi
export SELFALIGN_DATA_DIR="$root/data"

out=${OUT:-$root/out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$out/gpu.txt" 2>&1 || echo "no nvidia-smi" > "$out/gpu.txt"
if ! "$root/node" "$root/bench.mjs" --work "$root/work.json" --gpu vulkan "$@" > "$out/gpu-bench.json" 2> "$out/gpu-bench.log"; then
  tail -n 40 "$out/gpu-bench.log" >&2
  exit 1
fi
cat "$out/gpu-bench.json"
