#!/usr/bin/env bash
# The bf16 lever's ceiling (issue 19): the chunk step's matrix products at the shapes of the two benchmark configs, in
# fp32 and with bf16 operands (fp32 accumulation), one thread, through PyTorch's CPU kernels (oneDNN for bf16, which
# uses AVX512-BF16 where the CPU has it; the BLAS for fp32, with OPENBLAS_CORETYPE as scripts/embark picks it). Embark's
# own products are OpenBLAS fp32 (no BLAS this project can get has a bf16 GEMM: docs/BENCHMARKS.md), so this measures
# what a bf16 kernel could gain per product before any conversion of the operands, not Embark.
#   scripts/bench-bf16-gemm.sh            # needs python3-torch (Debian), as the PyTorch-BigGraph side-by-side does
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${EMBARK_OPENBLAS_CORETYPE:-$(scripts/openblas-coretype)}"
export OMP_NUM_THREADS=1
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}; CPU flags: $(grep -m1 -o -w -E 'avx512f|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
exec /usr/bin/python3 - <<'PY'
import time
import torch

torch.set_num_threads(1)
# (config, product, m, k, n): C[m x n] = A[m x k] B[k x n], as the chunk step's paired pass computes them
shapes = [
    ("d100: 50 + 50 negatives", "scores L C^T", 50, 100, 100),
    ("d100: 50 + 50 negatives", "dL = G C", 50, 100, 100),
    ("d100: 50 + 50 negatives", "dU = G^T L", 50, 50, 100),
    ("d400: 50 + 1000 negatives", "scores L C^T", 50, 400, 1050),
    ("d400: 50 + 1000 negatives", "dL = G C", 50, 1050, 400),
    ("d400: 50 + 1000 negatives", "dU = G^T L", 1000, 50, 400),
]


def per_call(a, b, seconds=0.5):
    for _ in range(50):
        a @ b
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(20):
            a @ b
        n += 20
    return (time.perf_counter() - t0) / n


print(f"torch {torch.__version__}, oneDNN {'available' if torch.backends.mkldnn.is_available() else 'absent'}, 1 thread")
print(f"{'config':28} {'product':14} {'m x k x n':>16} {'fp32 us':>9} {'bf16 us':>9} {'fp32/bf16':>9}")
for config, name, m, k, n in shapes:
    a, b = torch.randn(m, k), torch.randn(k, n)
    best = {}
    for dtype in (torch.float32, torch.bfloat16):
        x, y = a.to(dtype), b.to(dtype)
        best[dtype] = min(per_call(x, y) for _ in range(5))
    f, h = best[torch.float32] * 1e6, best[torch.bfloat16] * 1e6
    print(f"{config:28} {name:14} {f'{m} x {k} x {n}':>16} {f:9.2f} {h:9.2f} {f / h:9.2f}")
PY
