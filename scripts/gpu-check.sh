#!/usr/bin/env bash
# GPU check (issue 26), for a machine with an NVIDIA GPU: installs the GPU
# packages from npm (@tensorflow/tfjs-node-gpu; onnxruntime-node with its CUDA
# provider), then runs the bench parts that sample and extract on the GPU
# and again forced onto the CPU, and prints both. Exits 2 with one clear
# line where there is no GPU. Usage: scripts/gpu-check.sh [samples, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-10000}"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! gpus="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null)" || [ -z "$gpus" ]; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi missing or lists none); run this on a machine with a CUDA GPU and its driver" >&2
  exit 2
fi
echo "gpu-check: GPU(s): $gpus"

echo "gpu-check: installing @tensorflow/tfjs-node-gpu@4.22.0 and onnxruntime-node@1.30.0 (CUDA provider)"
# Both are optional dependencies already, so `npm install` alone is a no-op
# where they are present (and .npmrc skips onnxruntime's binaries); `npm rebuild`
# reruns their install scripts: libtensorflow with CUDA, onnxruntime's CUDA provider.
npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 onnxruntime-node@1.30.0
npm rebuild @tensorflow/tfjs-node-gpu
ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12

# The onnx part builds its Inception-sized model with python3 + torch + onnx;
# where those are missing it prints "skipped" and the other parts still run.
parts="backend,extraction,onnx,stages"
out="$(mktemp -d)"
echo "gpu-check: bench on the GPU (tfjs-node-gpu, ONNX CUDA provider), $samples samples per model"
BENCH_PARTS="$parts" BENCH_STAGE_SAMPLES="$samples" BENCH_BACKEND=tensorflow \
  node --import tsx bench/bench.ts | tee "$out/gpu.txt"
echo "gpu-check: bench on the CPU (wasm backend, ONNX CPU provider)"
CUDA_VISIBLE_DEVICES="" BENCH_PARTS="$parts" BENCH_STAGE_SAMPLES="$samples" BENCH_BACKEND=wasm \
  node --import tsx bench/bench.ts | tee "$out/cpu.txt"

echo
echo "=== GPU ==="; cat "$out/gpu.txt"
echo "=== CPU ==="; cat "$out/cpu.txt"
if ! grep -q "device: GPU" "$out/gpu.txt"; then
  echo "gpu-check: the GPU run did not report a GPU device (see its backend line above)" >&2
  exit 1
fi
