// Selective Synaptic Dampening's update on the device (Foster et al., AAAI 2024, eq. 3–4;
// UNLEARNING.md ssd step 3), the exact arithmetic of SelectiveDampening.apply: importances (handed
// over as double) and parameters are read as double, scalar i is selected iff I_f,i > α·I_D,i (strict), and a
// selected one becomes (T)(min(λ·I_D,i / I_f,i, 1)·θ_i). The ratio is formed only where selected,
// so never 0/0. factor[i] receives the multiplier, or −1 where not selected (multipliers are
// ≥ 0), so the host can list the selected factors in order for the record's histogram;
// counts[0] = selected, counts[1] = changed (the dampened value differs from the old one).
// (SSD's importance accumulation is the fused binary op ADD_SQUARE / ADD_ABS of elementwise.cu;
// SalUn's masked update is MUL on the gradient and WHERE on the parameters: no kernels of their own.)
#include "lethe_kernels.cuh"

template <typename T> __device__ void ssdDampenKernel(long long n, double alpha, double lambda, T* theta,
                                                      const double* importanceData, const double* importanceForget,
                                                      double* factor, unsigned long long* counts) {
    long long stride = (long long) blockDim.x * gridDim.x;
    // Every lane runs the same number of iterations so the warp ballots below see all 32 lanes.
    for (long long base = (long long) blockIdx.x * blockDim.x; base < n; base += stride) {
        long long i = base + threadIdx.x;
        bool pick = false;
        bool changed = false;
        if (i < n) {
            double d = importanceData[i];
            double f = importanceForget[i];
            pick = f > alpha * d;
            double m = -1.0;
            if (pick) {
                m = javaMin(lambda * d / f, 1.0);
                double old = (double) theta[i];
                T dampened = (T) (m * old);
                // Double.compare semantics: a sign change of zero counts, NaN stays NaN
                changed = !((double) dampened == old && signbit((double) dampened) == signbit(old))
                          && !(dampened != dampened && old != old);
                theta[i] = dampened;
            }
            factor[i] = m;
        }
        unsigned picks = __ballot_sync(0xffffffffu, pick);
        unsigned changes = __ballot_sync(0xffffffffu, changed);
        if ((threadIdx.x & 31) == 0) {
            if (picks != 0) {
                atomicAdd(&counts[0], (unsigned long long) __popc(picks));
            }
            if (changes != 0) {
                atomicAdd(&counts[1], (unsigned long long) __popc(changes));
            }
        }
    }
}

#define SSD(T, suffix)                                                                                    \
    extern "C" __global__ void ssd_dampen_##suffix(long long n, double alpha, double lambda, T* theta,     \
                                                   const double* importanceData, const double* importanceForget, \
                                                   double* factor, unsigned long long* counts) {          \
        ssdDampenKernel<T>(n, alpha, lambda, theta, importanceData, importanceForget, factor, counts);    \
    }

SSD(float, f32)
SSD(double, f64)
