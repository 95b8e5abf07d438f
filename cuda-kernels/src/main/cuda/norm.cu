// Batch normalisation (Ioffe and Szegedy 2015, Algorithm 1) and layer normalisation (Ba, Kiros
// and Hinton 2016), forward and backward, with the CPU backend's semantics (tensor/.../cpu/
// BatchNorm, LayerNorm). Tensors are contiguous; statistics are two-pass in double with one
// block per channel or row (blockReduce), so every result is the same from run to run.
//
// Batch norm sees x as [N, C, S] (S the product of the spatial extents, 1 for [N, C]). Its
// per-channel kernels write double coefficients that an elementwise pass then applies in the
// tensor's precision, rounding after each operation like the CPU (exact_arith.cuh).
#include "lethe_kernels.cuh"
#include "exact_arith.cuh"

// Offset of the k-th element (k < N·S) of channel ch in a contiguous [N, C, S] tensor.
__device__ __forceinline__ long long channelOffset(long long k, long long ch, long long c, long long spatial) {
    long long n = k / spatial;
    return (n * c + ch) * spatial + (k - n * spatial);
}

// running ← (1 − momentum)·running + (momentum·factor)·batch, rounded as the CPU evaluates it.
__device__ __forceinline__ double movingAverage(double running, double batch, double factor, double momentum) {
    return addRn(mulRn(1.0 - momentum, running), mulRn(mulRn(momentum, factor), batch));
}

// Per channel: mean and 1/sqrt(var + eps), from the batch (biased variance) when batchStats,
// else from the running statistics; then y = x·scale + shift with scale = invStd·γ and
// shift = β − mean·scale. stats = [mean | invStd | scale | shift], C doubles each. In training
// the running statistics (double, contiguous; 0 when absent) move towards the batch's mean and
// unbiased variance (factor m / (m − 1)).
template <typename T> __device__ void batchNormStats(long long n, long long c, long long spatial, int batchStats,
                                                     int training, double momentum, double eps, double* stats,
                                                     double* runMean, double* runVar, const T* x,
                                                     const double* gamma, const double* beta) {
    LETHE_DYNAMIC_SHARED(double, shared);
    long long m = n * spatial;
    for (long long ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double mean;
        double var = 0.0;
        double invStd;
        if (batchStats) {
            double s = 0.0;
            for (long long k = threadIdx.x; k < m; k += blockDim.x) {
                s += (double) x[channelOffset(k, ch, c, spatial)];
            }
            mean = blockReduce(0, s, shared) / (double) m;
            double ss = 0.0;
            for (long long k = threadIdx.x; k < m; k += blockDim.x) {
                double d = (double) x[channelOffset(k, ch, c, spatial)] - mean;
                ss += d * d;
            }
            var = blockReduce(0, ss, shared) / (double) m;
            invStd = 1.0 / sqrt(var + eps);
        } else {
            mean = runMean[ch];
            invStd = 1.0 / sqrt(runVar[ch] + eps);
        }
        if (threadIdx.x == 0) {
            double scale = mulRn(invStd, gamma ? gamma[ch] : 1.0);
            stats[ch] = mean;
            stats[c + ch] = invStd;
            stats[2 * c + ch] = scale;
            stats[3 * c + ch] = subRn(beta ? beta[ch] : 0.0, mulRn(mean, scale));
            if (training && runMean) {
                runMean[ch] = movingAverage(runMean[ch], mean, 1.0, momentum);
            }
            if (training && runVar) {
                runVar[ch] = movingAverage(runVar[ch], var, (double) m / (double) (m - 1), momentum);
            }
        }
    }
}

// y = x·scale + shift per channel, in T.
template <typename T> __device__ void batchNormApply(long long total, long long c, long long spatial, T* y,
                                                     const T* x, const double* stats) {
    GRID_STRIDE_LOOP(i, total) {
        long long ch = (i / spatial) % c;
        y[i] = addRn(mulRn(x[i], (T) stats[2 * c + ch]), (T) stats[3 * c + ch]);
    }
}

// Per channel, from the saved mean and invStd: Σg and Σg·x̂ = invStd·Σg·(x − mean) (the bias and
// weight gradients), and the coefficients of dx = k·(g − meanG − (x − mean)·slope) with
// k = invStd·γ and, in training (the gradient through the batch statistics), meanG = Σg / m,
// slope = invStd·Σg·x̂ / m; in evaluation both are 0. coef = [k | meanG | mean | slope | Σg·x̂ | Σg].
template <typename T> __device__ void batchNormBackwardStats(long long n, long long c, long long spatial,
                                                             int training, double* coef, const T* g, const T* x,
                                                             const double* savedMean, const double* savedInvStd,
                                                             const double* gamma) {
    LETHE_DYNAMIC_SHARED(double, shared);
    long long m = n * spatial;
    for (long long ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double mean = savedMean[ch];
        double sumG = 0.0;
        double dot = 0.0;
        for (long long k = threadIdx.x; k < m; k += blockDim.x) {
            long long at = channelOffset(k, ch, c, spatial);
            double gv = (double) g[at];
            sumG += gv;
            dot += gv * ((double) x[at] - mean);
        }
        sumG = blockReduce(0, sumG, shared);
        dot = blockReduce(0, dot, shared);
        if (threadIdx.x == 0) {
            double invStd = savedInvStd[ch];
            double sumGx = mulRn(dot, invStd);
            coef[ch] = mulRn(invStd, gamma ? gamma[ch] : 1.0);
            coef[c + ch] = training ? sumG / (double) m : 0.0;
            coef[2 * c + ch] = mean;
            coef[3 * c + ch] = training ? mulRn(invStd, sumGx) / (double) m : 0.0;
            coef[4 * c + ch] = sumGx;
            coef[5 * c + ch] = sumG;
        }
    }
}

// dx = k·(g − meanG − (x − mean)·slope) per channel, in T.
template <typename T> __device__ void batchNormBackwardApply(long long total, long long c, long long spatial, T* gx,
                                                             const T* g, const T* x, const double* coef) {
    GRID_STRIDE_LOOP(i, total) {
        long long ch = (i / spatial) % c;
        T k = (T) coef[ch];
        T meanG = (T) coef[c + ch];
        T mean = (T) coef[2 * c + ch];
        T slope = (T) coef[3 * c + ch];
        gx[i] = mulRn(k, subRn(subRn(g[i], meanG), mulRn(subRn(x[i], mean), slope)));
    }
}

// Each row of d elements: mean, biased variance, invStd = 1/sqrt(var + eps) (saved in T), and
// y = (x − mean)·invStd·γ + β in double, γ and β (double, 0 when absent) indexed by column.
template <typename T> __device__ void layerNormForward(long long rows, long long d, double eps, T* y, T* mean,
                                                       T* invStd, const T* x, const double* gamma,
                                                       const double* beta) {
    LETHE_DYNAMIC_SHARED(double, shared);
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * d;
        double s = 0.0;
        for (long long i = threadIdx.x; i < d; i += blockDim.x) {
            s += (double) xr[i];
        }
        double mu = blockReduce(0, s, shared) / (double) d;
        double ss = 0.0;
        for (long long i = threadIdx.x; i < d; i += blockDim.x) {
            double dev = (double) xr[i] - mu;
            ss += dev * dev;
        }
        double is = 1.0 / sqrt(blockReduce(0, ss, shared) / (double) d + eps);
        T* yr = y + row * d;
        for (long long i = threadIdx.x; i < d; i += blockDim.x) {
            double v = mulRn((double) xr[i] - mu, is);
            yr[i] = (T) addRn(mulRn(v, gamma ? gamma[i] : 1.0), beta ? beta[i] : 0.0);
        }
        if (threadIdx.x == 0) {
            mean[row] = (T) mu;
            invStd[row] = (T) is;
        }
    }
}

// Per row, with ĝ = g·γ and x̂ = (x − mean)·invStd from the saved statistics (double):
// dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)).
template <typename T> __device__ void layerNormBackward(long long rows, long long d, T* gx, const T* g, const T* x,
                                                        const double* mean, const double* invStd,
                                                        const double* gamma) {
    LETHE_DYNAMIC_SHARED(double, shared);
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * d;
        const T* gr = g + row * d;
        double mu = mean[row];
        double is = invStd[row];
        double sumG = 0.0;
        double sumGx = 0.0;
        for (long long i = threadIdx.x; i < d; i += blockDim.x) {
            double xh = mulRn((double) xr[i] - mu, is);
            double gh = mulRn((double) gr[i], gamma ? gamma[i] : 1.0);
            sumG += gh;
            sumGx += gh * xh;
        }
        double meanG = blockReduce(0, sumG, shared) / (double) d;
        double meanGx = blockReduce(0, sumGx, shared) / (double) d;
        T* out = gx + row * d;
        for (long long i = threadIdx.x; i < d; i += blockDim.x) {
            double xh = mulRn((double) xr[i] - mu, is);
            double gh = mulRn((double) gr[i], gamma ? gamma[i] : 1.0);
            out[i] = (T) mulRn(is, subRn(subRn(gh, meanG), mulRn(xh, meanGx)));
        }
    }
}

// dγ[i] = Σ_rows g·x̂ and dβ[i] = Σ_rows g for each column i: a block takes 32 adjacent columns
// (one per lane, so rows are read coalesced) and its warps split the rows; the warps' partial
// sums are combined in warp order through shared memory (2·blockDim.x doubles), so the result is
// the same on every run, with no atomics.
template <typename T> __device__ void layerNormParamGrads(long long rows, long long d, T* dGamma, T* dBeta,
                                                          const T* g, const T* x, const double* mean,
                                                          const double* invStd) {
    LETHE_DYNAMIC_SHARED(double, shared);
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    for (long long tile = blockIdx.x; tile * 32 < d; tile += gridDim.x) {
        long long col = tile * 32 + lane;
        double sg = 0.0;
        double sb = 0.0;
        if (col < d) {
            for (long long r = warp; r < rows; r += warps) {
                long long at = r * d + col;
                double gv = (double) g[at];
                sb += gv;
                sg += gv * mulRn((double) x[at] - mean[r], invStd[r]);
            }
        }
        shared[threadIdx.x] = sg;
        shared[blockDim.x + threadIdx.x] = sb;
        __syncthreads();
        if (warp == 0 && col < d) {
            double tg = 0.0;
            double tb = 0.0;
            for (int q = 0; q < warps; ++q) {
                tg += shared[q * 32 + lane];
                tb += shared[blockDim.x + q * 32 + lane];
            }
            dGamma[col] = (T) tg;
            dBeta[col] = (T) tb;
        }
        __syncthreads();
    }
}

#define NORM(T, suffix)                                                                                   \
    extern "C" __global__ void batch_norm_stats_##suffix(long long n, long long c, long long spatial,       \
                                                         int batchStats, int training, double momentum,   \
                                                         double eps, double* stats, double* runMean,      \
                                                         double* runVar, const T* x, const double* gamma, \
                                                         const double* beta) {                            \
        batchNormStats<T>(n, c, spatial, batchStats, training, momentum, eps, stats, runMean, runVar, x, gamma, \
                          beta);                                                                          \
    }                                                                                                     \
    extern "C" __global__ void batch_norm_apply_##suffix(long long total, long long c, long long spatial, T* y, \
                                                         const T* x, const double* stats) {               \
        batchNormApply<T>(total, c, spatial, y, x, stats);                                                \
    }                                                                                                     \
    extern "C" __global__ void batch_norm_backward_stats_##suffix(long long n, long long c, long long spatial, \
                                                                  int training, double* coef, const T* g,  \
                                                                  const T* x, const double* savedMean,     \
                                                                  const double* savedInvStd,              \
                                                                  const double* gamma) {                  \
        batchNormBackwardStats<T>(n, c, spatial, training, coef, g, x, savedMean, savedInvStd, gamma);    \
    }                                                                                                     \
    extern "C" __global__ void batch_norm_backward_apply_##suffix(long long total, long long c,             \
                                                                  long long spatial, T* gx, const T* g,    \
                                                                  const T* x, const double* coef) {       \
        batchNormBackwardApply<T>(total, c, spatial, gx, g, x, coef);                                     \
    }                                                                                                     \
    extern "C" __global__ void layer_norm_##suffix(long long rows, long long d, double eps, T* y, T* mean,   \
                                                   T* invStd, const T* x, const double* gamma,            \
                                                   const double* beta) {                                  \
        layerNormForward<T>(rows, d, eps, y, mean, invStd, x, gamma, beta);                               \
    }                                                                                                     \
    extern "C" __global__ void layer_norm_backward_##suffix(long long rows, long long d, T* gx, const T* g,  \
                                                            const T* x, const double* mean,               \
                                                            const double* invStd, const double* gamma) {  \
        layerNormBackward<T>(rows, d, gx, g, x, mean, invStd, gamma);                                     \
    }                                                                                                     \
    extern "C" __global__ void layer_norm_param_grads_##suffix(long long rows, long long d, T* dGamma,      \
                                                               T* dBeta, const T* g, const T* x,          \
                                                               const double* mean, const double* invStd) { \
        layerNormParamGrads<T>(rows, d, dGamma, dBeta, g, x, mean, invStd);                               \
    }

NORM(float, f32)
NORM(double, f64)
