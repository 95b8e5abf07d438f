// Fused optimizer updates: one pass per parameter instead of the dozen elementwise launches the
// composed update takes. Each step is the composed update's exact sequence of roundings (Sgd and
// AdamW in dev.lethe.optim; torch.optim's order): the host rounds every scalar to the parameter's
// dtype first, and the _rn intrinsics keep the compiler from contracting a·b + c into one fused
// multiply-add, which would round once where the composed update rounds twice.
#include "lethe_kernels.cuh"
#include "exact_arith.cuh"

// SGD flags: bit 0 weight decay, bit 1 momentum, bit 2 Nesterov, bit 3 first step (buf ← d).
//   d = g + wd·p;  buf = d (first) or μ·buf + d;  d = d + μ·buf (Nesterov) or buf;  p = p + (−lr)·d
template <typename T> __device__ void sgdKernel(int flags, long long n, T negLr, T momentum, T weightDecay, T* p,
                                                const T* g, T* buf) {
    GRID_STRIDE_LOOP(i, n) {
        T d = g[i];
        if (flags & 1) {
            d = addRn(mulRn(p[i], weightDecay), d);
        }
        if (flags & 2) {
            T b = (flags & 8) ? d : addRn(mulRn(buf[i], momentum), d);
            buf[i] = b;
            d = (flags & 4) ? addRn(mulRn(b, momentum), d) : b;
        }
        p[i] = addRn(p[i], mulRn(d, negLr));
    }
}

// AdamW (Loshchilov & Hutter 2019, Algorithm 2) in torch.optim.AdamW's order:
//   p = p·(1 − lr·wd);  m = β₁·m + (1−β₁)·g;  v = β₂·v + ((1−β₂)·g)·g;
//   p = p + (m·(−lr/(1−β₁ᵗ))) / (√v / √(1−β₂ᵗ) + ε)
// decay = 0: no weight decay (the multiply is skipped, as the composed update skips it).
template <typename T> __device__ void adamwKernel(int decay, long long n, T decayScale, T beta1, T oneMinusBeta1, T beta2,
                                                  T oneMinusBeta2, T biasCorrection2Sqrt, T eps, T negStepSize, T* p,
                                                  const T* g, T* m, T* v) {
    GRID_STRIDE_LOOP(i, n) {
        T gi = g[i];
        T pi = decay ? mulRn(p[i], decayScale) : p[i];
        T mi = addRn(mulRn(m[i], beta1), mulRn(gi, oneMinusBeta1));
        T vi = addRn(mulRn(v[i], beta2), mulRn(mulRn(gi, oneMinusBeta2), gi));
        T denom = addRn(divRn(sqrtRn(vi), biasCorrection2Sqrt), eps);
        m[i] = mi;
        v[i] = vi;
        p[i] = addRn(pi, divRn(mulRn(mi, negStepSize), denom));
    }
}

#define OPTIM(T, suffix)                                                                                  \
    extern "C" __global__ void sgd_step_##suffix(int flags, long long n, T negLr, T momentum, T weightDecay, \
                                                 T* p, const T* g, T* buf) {                              \
        sgdKernel<T>(flags, n, negLr, momentum, weightDecay, p, g, buf);                                  \
    }                                                                                                     \
    extern "C" __global__ void adamw_step_##suffix(int decay, long long n, T decayScale, T beta1, T oneMinusBeta1,     \
                                                   T beta2, T oneMinusBeta2, T biasCorrection2Sqrt, T eps, \
                                                   T negStepSize, T* p, const T* g, T* m, T* v) {         \
        adamwKernel<T>(decay, n, decayScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, \
                       negStepSize, p, g, m, v);                                                          \
    }

OPTIM(float, f32)
OPTIM(double, f64)
