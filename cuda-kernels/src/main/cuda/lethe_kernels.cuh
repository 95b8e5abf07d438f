// Shared definitions of Lethe's CUDA kernels: the strided layout every elementwise kernel takes,
// and grid-stride loops. Each .cu file in this folder is compiled into the one fatbin; kernels
// have extern "C" names so the host finds them with cuModuleGetFunction.
#pragma once
#include <cstddef>
#include <cstdint>

// A kernel's dynamically sized shared memory (the launch's sharedBytes), as a typed array. A
// macro so that the host emulation of the kernels (src/test/cuda) can supply its own buffer.
#ifndef LETHE_DYNAMIC_SHARED
#define LETHE_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

// The host (LaunchChecks.MAX_RANK) refuses tensors of higher rank before any launch.
#define LETHE_MAX_RANK 8

// Up to three tensors (out, a, b) viewed with out's shape: broadcast dimensions have stride 0,
// strides and offsets are in elements. Passed by value (a few hundred bytes of kernel parameters).
struct Layout3 {
    int rank;
    int shape[LETHE_MAX_RANK];
    long long stride[3][LETHE_MAX_RANK];
    long long offset[3];
};

// The host writes this struct byte by byte (KernelLayout.java); the build fails if they disagree.
static_assert(sizeof(Layout3) == 256, "Layout3 must be 256 bytes (KernelLayout.BYTES)");
static_assert(offsetof(Layout3, stride) == 40, "Layout3.stride must start at byte 40 (KernelLayout.STRIDE_OFFSET)");
static_assert(offsetof(Layout3, offset) == 232, "Layout3.offset must start at byte 232 (KernelLayout.OFFSETS_OFFSET)");

// Element offsets of the logical (row-major) index i in each of the three tensors. The host
// coalesces dimensions (KernelLayout.coalesce), so contiguous operands arrive as one dimension,
// walked with no division; otherwise each dimension costs one division, in 32 bits while the
// remaining index fits (a 64-bit division is several times slower on the GPU).
__host__ __device__ __forceinline__ void offsets3(const Layout3& L, long long i, long long& o0, long long& o1,
                                                  long long& o2) {
    o0 = L.offset[0];
    o1 = L.offset[1];
    o2 = L.offset[2];
    if (L.rank == 1) {
        o0 += i * L.stride[0][0];
        o1 += i * L.stride[1][0];
        o2 += i * L.stride[2][0];
        return;
    }
    for (int d = L.rank - 1; d >= 0; --d) {
        long long extent = L.shape[d];
        long long q;
        if (i <= 0xffffffffLL) {
            q = (long long) ((unsigned) i / (unsigned) extent);
        } else {
            q = i / extent;
        }
        long long c = i - q * extent;
        o0 += c * L.stride[0][d];
        o1 += c * L.stride[1][d];
        o2 += c * L.stride[2][d];
        i = q;
    }
}

// The type an op computes in: the dtype itself for floats, double for integers (as the CPU
// backend, which loads integers into double chunks).
template <typename T> struct ComputeType { typedef T type; static constexpr bool isInteger = false; };
template <> struct ComputeType<int> { typedef double type; static constexpr bool isInteger = true; };
template <> struct ComputeType<long long> { typedef double type; static constexpr bool isInteger = true; };

// A computed value stored as T. Integers follow Java's (int)/(long) cast of a double, as the CPU
// backend does: NaN becomes 0, out-of-range values saturate, the rest truncate toward zero (a
// plain C cast of those is undefined).
template <typename T> __device__ __forceinline__ T storeAs(double v) { return (T) v; }
template <> __device__ __forceinline__ int storeAs<int>(double v) {
    return v != v ? 0 : (v >= 2147483647.0 ? 2147483647 : (v <= -2147483648.0 ? (-2147483647 - 1) : (int) v));
}
template <> __device__ __forceinline__ long long storeAs<long long>(double v) {
    return v != v ? 0LL : (v >= 9223372036854775807.0 ? 9223372036854775807LL
                                  : (v <= -9223372036854775808.0 ? (-9223372036854775807LL - 1) : (long long) v));
}

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

// Java's Math.max/min: NaN if either is NaN (fmax would drop it and hide a diverging run).
template <typename T> __device__ __forceinline__ T javaMax(T a, T b) {
    return (a != a || b != b) ? (a != a ? a : b) : (a > b ? a : b);
}
template <typename T> __device__ __forceinline__ T javaMin(T a, T b) {
    return (a != a || b != b) ? (a != a ? a : b) : (a < b ? a : b);
}

// Block-wide reduction in shared memory; blockDim.x is a power of two <= 1024 (LaunchGeometry).
// op 0 = sum, 1 = max, 2 = min (ReduceOp's order).
__device__ __forceinline__ double combine(int op, double a, double b) {
    return op == 0 ? a + b : (op == 1 ? javaMax(a, b) : javaMin(a, b));
}

__device__ __forceinline__ double blockReduce(int op, double v, double* shared) {
    shared[threadIdx.x] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            shared[threadIdx.x] = combine(op, shared[threadIdx.x], shared[threadIdx.x + s]);
        }
        __syncthreads();
    }
    double r = shared[0];
    __syncthreads();
    return r;
}
