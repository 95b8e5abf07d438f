// Reductions over any set of axes of a strided tensor: one block per output element, its threads
// stride over the reduced sub-space and meet in a shared-memory tree. Sums accumulate in double
// whatever the dtype (ReduceOp's contract), so float32 sums match the CPU's to rounding.
#include "lethe_kernels.cuh"

// kept: the output's shape over the kept axes, with x's strides (slot 1) and out's (slot 0);
// reduced: the reduced axes' extents with x's strides (slot 1). Op codes: 0 sum, 1 max, 2 min.
template <typename T> __device__ void reduceKernel(int op, long long nOut, long long nReduced, Layout3 kept,
                                                   Layout3 reduced, T* out, const T* x) {
    LETHE_DYNAMIC_SHARED(double, shared);
    const double identity = op == 0 ? 0.0 : (op == 1 ? -INFINITY : INFINITY);
    for (long long row = blockIdx.x; row < nOut; row += gridDim.x) {
        long long oOut, oX, unused;
        offsets3(kept, row, oOut, oX, unused);
        double acc = identity;
        for (long long j = threadIdx.x; j < nReduced; j += blockDim.x) {
            long long u0, oj, u2;
            offsets3(reduced, j, u0, oj, u2);
            acc = combine(op, acc, (double) x[oX + oj]);
        }
        double r = blockReduce(op, acc, shared);
        if (threadIdx.x == 0) {
            out[oOut] = storeAs<T>(r);
        }
    }
}

#define REDUCE(T, suffix)                                                                               \
    extern "C" __global__ void reduce_##suffix(int op, long long nOut, long long nReduced, Layout3 kept,   \
                                               Layout3 reduced, T* out, const T* x) {                    \
        reduceKernel<T>(op, nOut, nReduced, kept, reduced, out, x);                                      \
    }

REDUCE(float, f32)
REDUCE(double, f64)
REDUCE(int, i32)
REDUCE(long long, i64)
