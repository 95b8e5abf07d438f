// Random tensors from the Philox stream (philox.cuh). Element i of a request that starts at
// counter `start` uses word i mod 4 of block start + i/4, the layout of Philox.uniformFloats, so
// a seed gives the same dropout mask on the CPU and the device.
#include "lethe_kernels.cuh"
#include "philox.cuh"

// out[i] = 1/(1−p) where element i's uniform is ≥ p, else 0; one thread per Philox block of four
// elements (n need not be a multiple of four: the last block's extra words are unused).
template <typename T> __device__ void dropoutMaskKernel(long long n, unsigned long long start, unsigned long long seed,
                                                        double p, double keep, T* out) {
    long long blocks = (n + 3) / 4;
    GRID_STRIDE_LOOP(b, blocks) {
        PhiloxWords r = philoxBlock(start + (unsigned long long) b, seed);
        for (int j = 0; j < 4; ++j) {
            long long i = 4 * b + j;
            if (i < n) {
                out[i] = (T) dropoutValue(r.w[j], p, keep);
            }
        }
    }
}

#define RANDOM(T, suffix)                                                                                \
    extern "C" __global__ void dropout_mask_##suffix(long long n, unsigned long long start,             \
                                                     unsigned long long seed, double p, double keep, T* out) { \
        dropoutMaskKernel<T>(n, start, seed, p, keep, out);                                              \
    }

RANDOM(float, f32)
RANDOM(double, f64)
