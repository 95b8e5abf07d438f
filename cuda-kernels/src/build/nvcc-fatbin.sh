#!/usr/bin/env bash
# Compiles every .cu file in SOURCE_DIR into ONE fatbin (SASS for sm_80 and sm_90, PTX for
# compute_90 so newer GPUs JIT it) at OUTPUT, for the CUDA backend to load with cuModuleLoadData.
# Run by Maven (exec-maven-plugin, generate-resources). Without nvcc it prints one notice and
# succeeds, so CPU-only builds work; a kernel that does not compile fails the build.
#
# usage: nvcc-fatbin.sh SOURCE_DIR OUTPUT WORK_DIR
# nvcc is $NVCC, else nvcc on the PATH, else $CUDA_HOME/bin/nvcc (CUDA_HOME defaults to /usr/local/cuda).
set -euo pipefail

src="$1"
out="$2"
work="$3"

nvcc="${NVCC:-}"
if [[ -z "$nvcc" ]]; then
  nvcc="$(command -v nvcc || true)"
fi
cuda_home="${CUDA_HOME:-/usr/local/cuda}"
if [[ -z "$nvcc" && -x "$cuda_home/bin/nvcc" ]]; then
  nvcc="$cuda_home/bin/nvcc"
fi
if [[ -z "$nvcc" ]]; then
  echo "[cuda-kernels] nvcc not found (NVCC, PATH, $cuda_home/bin): the CUDA kernels are not built; the CUDA backend will report itself unavailable"
  exit 0
fi

shopt -s nullglob
sources=("$src"/*.cu)
if (( ${#sources[@]} == 0 )); then
  echo "[cuda-kernels] no .cu files in $src" >&2
  exit 1
fi

# Up to date when the fatbin is newer than every source and header: a rebuild costs seconds.
if [[ -f "$out" && -z "$(find "$src" -newer "$out" -print -quit)" ]]; then
  echo "[cuda-kernels] $(basename "$out") is up to date"
  exit 0
fi

# One translation unit including every .cu file: nvcc makes one fatbin from one input, and the
# shared header is parsed once.
mkdir -p "$work" "$(dirname "$out")"
unit="$work/lethe_kernels_all.cu"
: >"$unit"
for f in "${sources[@]}"; do
  printf '#include "%s"\n' "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" >>"$unit"
done

start=$(date +%s)
"$nvcc" -fatbin -std=c++17 -O3 --threads 2 -Werror all-warnings \
  -I "$src" \
  -gencode arch=compute_80,code=sm_80 \
  -gencode 'arch=compute_90,code=[sm_90,compute_90]' \
  -o "$out.tmp" "$unit"
mv "$out.tmp" "$out"
echo "[cuda-kernels] compiled ${#sources[@]} .cu files with nvcc $("$nvcc" --version | sed -n 's/.*release \([0-9.]*\),.*/\1/p') into $(basename "$out") ($(stat -c %s "$out") bytes) in $(( $(date +%s) - start )) s"
