#!/usr/bin/env bash
# CUDA encode/decode rows/s and CUDA-vs-CPU parity of the VaeOnnx chain, through the VaeOnnx.Inference.Gpu package.
#
#   benchmarks/cuda/run.sh [--rows N] [--block N] [--passes N] [--allow-cpu]
#
# Needs the .NET 10 SDK, an NVIDIA GPU with its driver, and the CUDA 13 libraries ONNX Runtime 1.31's CUDA build loads
# (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) plus cuDNN 9 on the loader's path. It packs
# VaeOnnx.Contract and VaeOnnx.Inference.Gpu from this checkout into a temporary folder feed, builds benchmarks/cuda/CudaBench
# in a temporary copy against them, and prints one JSON object (rows/s per provider, their ratio, max |CUDA - CPU| of mu,
# logvar and x_hat) for the shipped model models/fashion-mnist-mlp. Strict by default: if CUDA cannot start it fails at
# load with the reason; --allow-cpu measures anyway (then both columns are the CPU, which only checks the script).
# Put the JSON in docs/benchmarks.md ("CUDA execution provider"). Set WORK=DIR to keep the temporary files there.
# Restore needs the NuGet mirror, or a package cache that already holds Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 and
# ML.NET 5.0.1 (a build of this solution fills it). On a GPU machine with neither, run it once where there is one with
# WORK=DIR and copy DIR/app/bin/Release/net10.0 (about 320 MB) across: `dotnet CudaBench.dll MODEL_FOLDER` runs it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")"

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || echo "nvidia-smi not found" >&2

rm -rf "$work/feed" "$work/app" "$work/packages"
for project in contract inference-gpu; do
  dotnet pack "$repo/$project" -c Release -o "$work/feed" -nologo -nodeReuse:false >&2
done
cp -r "$repo/benchmarks/cuda/CudaBench" "$work/app"
# The local feed for the VaeOnnx packages, this machine's own sources and package cache (as a read-only fallback) for the
# rest. A fresh packages folder, so a VaeOnnx package of the same version cached from an older checkout is never used.
cache="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
cat > "$work/app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$work/packages" /></config>
  <packageSources><add key="vaeonnx-local" value="$work/feed" /></packageSources>
  <fallbackPackageFolders><add key="machine-cache" value="$cache" /></fallbackPackageFolders>
</configuration>
CONFIG
dotnet build "$work/app" -c Release -p:VaeOnnxVersion="$version" -nologo -nodeReuse:false >&2
dotnet "$work/app/bin/Release/net10.0/CudaBench.dll" "$repo/models/fashion-mnist-mlp" "$@"
