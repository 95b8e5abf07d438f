// gather / index_select (copy) and scatter_add_ / index_add_ (accumulate) along one axis, as the
// CPU's Indexing walk: operand A is addressed with the axis coordinate replaced by the index
// value, operand B by the index element's own coordinates. One thread owns one coordinate off
// the axis and walks the axis in order, so no two threads write the same element (A's
// off-axis coordinates are the thread's own) and duplicate indices accumulate in index order:
// the result is the CPU's bit for bit, with no float atomics.
#include "lethe_kernels.cuh"

__device__ __forceinline__ long long indexAt(int index64, const void* index, long long at) {
    return index64 ? ((const long long*) index)[at] : (long long) ((const int*) index)[at];
}

// L: the index's shape without the axis, slots 0 = index, 1 = A, 2 = B (strides off the axis).
// Copies (gather) write each B element once, so every (off-axis, axis) pair is its own thread;
// accumulation (scatter-add) gives one thread each off-axis coordinate and walks the axis in
// order. An index value outside [0, limit) is skipped and flags *bad; the host reports it.
template <typename T> __device__ void indexWalkKernel(int addMode, int index64, long long outer, Layout3 L,
                                                      long long len, long long indexAxis, long long aAxis,
                                                      long long bAxis, long long limit, const void* index, T* a,
                                                      T* b, int* bad) {
    if (!addMode) {
        GRID_STRIDE_LOOP(e, outer * len) {
            long long o = e / len;
            long long j = e - o * len;
            long long oi, oa, ob;
            offsets3(L, o, oi, oa, ob);
            long long v = indexAt(index64, index, oi + j * indexAxis);
            if (v < 0 || v >= limit) {
                atomicExch(bad, 1);
            } else {
                b[ob + j * bAxis] = a[oa + v * aAxis];
            }
        }
        return;
    }
    GRID_STRIDE_LOOP(o, outer) {
        long long oi, oa, ob;
        offsets3(L, o, oi, oa, ob);
        for (long long j = 0; j < len; ++j) {
            long long v = indexAt(index64, index, oi + j * indexAxis);
            if (v < 0 || v >= limit) {
                atomicExch(bad, 1);
            } else {
                a[oa + v * aAxis] += b[ob + j * bAxis];
            }
        }
    }
}

#define INDEXING(T, suffix)                                                                               \
    extern "C" __global__ void index_walk_##suffix(int addMode, int index64, long long outer, Layout3 L,  \
                                                   long long len, long long indexAxis, long long aAxis,  \
                                                   long long bAxis, long long limit, const void* index,  \
                                                   T* a, T* b, int* bad) {                               \
        indexWalkKernel<T>(addMode, index64, outer, L, len, indexAxis, aAxis, bAxis, limit, index, a, b, bad); \
    }

INDEXING(float, f32)
INDEXING(double, f64)
INDEXING(int, i32)
INDEXING(long long, i64)
