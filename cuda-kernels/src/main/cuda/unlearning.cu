// The unlearning updates, on contiguous parameter-sized vectors (UNLEARNING.md, ssd and salun).
#include "lethe_kernels.cuh"

// a += g² (SSD's importance, the squared batch-mean gradient summed over batches) or, with
// absMode, a += |g| (LFSSD's importance).
extern "C" __global__ void accumulate_importance_f32(int absMode, long long n, float* a, const float* g) {
    GRID_STRIDE_LOOP(i, n) {
        float v = g[i];
        a[i] += absMode ? fabsf(v) : v * v;
    }
}

// Selective Synaptic Dampening (Foster et al., AAAI 2024, eq. 3–4; UNLEARNING.md ssd step 3):
// parameter i is selected iff I_f,i > α·I_D,i (strict); selected ones become
// θ_i ← min(λ·I_D,i / I_f,i, 1)·θ_i. The ratio is formed only where selected, so never 0/0
// (selection implies I_f,i > 0 whenever α·I_D,i ≥ 0). factor[i] receives the multiplier (1 where
// not selected) for the record's histogram; *selected counts selections (one atomic per warp).
extern "C" __global__ void ssd_dampen_f32(long long n, float alpha, float lambda, float* theta,
                                          const float* importanceForget, const float* importanceData,
                                          float* factor, unsigned long long* selected) {
    long long stride = (long long) blockDim.x * gridDim.x;
    // Every lane runs the same number of iterations so the warp ballot below sees all 32 lanes.
    for (long long base = (long long) blockIdx.x * blockDim.x; base < n; base += stride) {
        long long i = base + threadIdx.x;
        bool pick = false;
        if (i < n) {
            float f = importanceForget[i];
            float d = importanceData[i];
            pick = f > alpha * d;
            float m = pick ? fminf(lambda * d / f, 1.0f) : 1.0f;
            if (pick) {
                theta[i] *= m;
            }
            factor[i] = m;
        }
        unsigned votes = __ballot_sync(0xffffffffu, pick);
        if ((threadIdx.x & 31) == 0 && votes != 0) {
            atomicAdd(selected, (unsigned long long) __popc(votes));
        }
    }
}

// A masked update (SalUn, UNLEARNING.md salun step 3): θ_i += scale·u_i where mask_i ≠ 0, and
// θ_i untouched elsewhere, so masked-out weights stay exactly as they were.
extern "C" __global__ void masked_update_f32(long long n, float scale, float* theta, const float* update,
                                             const float* mask) {
    GRID_STRIDE_LOOP(i, n) {
        if (mask[i] != 0.0f) {
            theta[i] += scale * update[i];
        }
    }
}
