// Selection: argmax/argmin along an axis, and the radix histogram behind the k-th largest value.
#include "lethe_kernels.cuh"

// The index of the largest (smallest) value along the middle axis of a contiguous tensor viewed
// as [outer, len, inner], one thread per row (outer·inner of them, threads adjacent in inner so
// reads coalesce). The CPU's rule (Reductions.argReduce): the first NaN wins, else the first
// occurrence of the extreme value; a serial scan per row keeps that tie-break exactly.
template <typename T> __device__ void argReduceKernel(int maxMode, long long rows, long long len, long long inner,
                                                      long long* out, const T* x) {
    GRID_STRIDE_LOOP(row, rows) {
        long long o = row / inner;
        const T* p = x + o * len * inner + (row - o * inner);
        long long best = 0;
        double bestValue = (double) p[0];
        for (long long c = 1; c < len && bestValue == bestValue; ++c) {
            double v = (double) p[c * inner];
            if (v != v || (maxMode ? v > bestValue : v < bestValue)) {
                best = c;
                bestValue = v;
            }
        }
        out[row] = best;
    }
}

// A double's bits mapped so that unsigned order is Double.compare's order: -0.0 < 0.0 and every
// NaN (made canonical first) above +infinity. Positive values get the sign bit set, negative ones
// all bits flipped.
__device__ __forceinline__ unsigned long long orderedKey(double v) {
    unsigned long long bits = v != v ? 0x7ff8000000000000ULL : (unsigned long long) __double_as_longlong(v);
    return (bits >> 63) ? ~bits : (bits | 0x8000000000000000ULL);
}

// One pass of a most-significant-digit radix select: counts, per 8-bit digit at `shift`, the
// elements whose ordered key agrees with `prefix` on the bits of `prefixMask`. Counts go to a
// shared-memory histogram first (integer atomics: exact, order-free), then to hist[256].
template <typename T> __device__ void radixHistogramKernel(long long n, const T* x, unsigned long long prefix,
                                                           unsigned long long prefixMask, int shift,
                                                           unsigned long long* hist) {
    __shared__ unsigned long long local[256];
    for (int d = threadIdx.x; d < 256; d += blockDim.x) {
        local[d] = 0ULL;
    }
    __syncthreads();
    GRID_STRIDE_LOOP(i, n) {
        unsigned long long key = orderedKey((double) x[i]);
        if ((key & prefixMask) == prefix) {
            atomicAdd(&local[(key >> shift) & 0xffULL], 1ULL);
        }
    }
    __syncthreads();
    for (int d = threadIdx.x; d < 256; d += blockDim.x) {
        if (local[d] != 0ULL) {
            atomicAdd(&hist[d], local[d]);
        }
    }
}

#define SELECT(T, suffix)                                                                                 \
    extern "C" __global__ void arg_reduce_##suffix(int maxMode, long long rows, long long len, long long inner, \
                                                   long long* out, const T* x) {                          \
        argReduceKernel<T>(maxMode, rows, len, inner, out, x);                                            \
    }                                                                                                     \
    extern "C" __global__ void radix_histogram_##suffix(long long n, const T* x, unsigned long long prefix, \
                                                        unsigned long long prefixMask, int shift,         \
                                                        unsigned long long* hist) {                       \
        radixHistogramKernel<T>(n, x, prefix, prefixMask, shift, hist);                                   \
    }

SELECT(float, f32)
SELECT(double, f64)
SELECT(int, i32)
SELECT(long long, i64)
