// Softmax, log-softmax and cross-entropy over rows. The host hands a contiguous tensor viewed as
// [outer, cols, inner]; row r = (o, i) has its cols elements at o·cols·inner + c·inner + i. One
// block per row (grid-stride over rows), statistics in double.
#include "lethe_kernels.cuh"

__device__ __forceinline__ long long rowBase(long long row, long long cols, long long inner) {
    long long o = row / inner;
    return o * cols * inner + (row - o * inner);
}

// log Σ exp(x_c) of one row, computed as m + log Σ exp(x_c − m) so exp never overflows.
template <typename T> __device__ double rowLogSumExp(const T* x, long long base, long long cols, long long inner,
                                                      double* shared) {
    double m = -INFINITY;
    for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
        m = javaMax(m, (double) x[base + c * inner]);
    }
    m = blockReduce(1, m, shared);
    double s = 0.0;
    for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
        s += exp((double) x[base + c * inner] - m);
    }
    s = blockReduce(0, s, shared);
    return m + log(s);
}

// y = softmax(x) or log_softmax(x) = x − logsumexp(x) along the cols axis.
template <typename T> __device__ void softmaxKernel(int logMode, long long rows, long long cols, long long inner,
                                                    T* y, const T* x) {
    LETHE_DYNAMIC_SHARED(double, shared);
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        long long base = rowBase(row, cols, inner);
        double lse = rowLogSumExp(x, base, cols, inner, shared);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            double l = (double) x[base + c * inner] - lse;
            y[base + c * inner] = (T) (logMode ? l : exp(l));
        }
    }
}

// Input gradient from the output y: softmax gx = y·(g − Σ g·y); log-softmax gx = g − exp(y)·Σ g.
template <typename T> __device__ void softmaxBackwardKernel(int logMode, long long rows, long long cols,
                                                            long long inner, T* gx, const T* g, const T* y) {
    LETHE_DYNAMIC_SHARED(double, shared);
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        long long base = rowBase(row, cols, inner);
        double dot = 0.0;
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            long long k = base + c * inner;
            dot += logMode ? (double) g[k] : (double) g[k] * (double) y[k];
        }
        dot = blockReduce(0, dot, shared);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            long long k = base + c * inner;
            double gk = g[k], yk = y[k];
            gx[k] = (T) (logMode ? gk - exp(yk) * dot : yk * (gk - dot));
        }
    }
}

// Cross-entropy of logits [N, C] (contiguous) against int64 targets [N] with label smoothing ε:
// loss_n = −((1−ε)·log p[n, t_n] + ε/C · Σ_c log p[n, c]). Writes log p and loss_n (double);
// the host takes the mean. A target outside [0, C) is recorded in *badRow (the smallest such
// row, via atomicMin) and that row's loss is NaN; the host reports it after the launch.
template <typename T> __device__ void crossEntropyKernel(long long n, long long classes, double smoothing,
                                                         T* logProbs, double* rowLoss, const T* logits,
                                                         const long long* targets, long long* badRow) {
    LETHE_DYNAMIC_SHARED(double, shared);
    for (long long row = blockIdx.x; row < n; row += gridDim.x) {
        long long base = row * classes;
        double lse = rowLogSumExp(logits, base, classes, 1, shared);
        double sumLog = 0.0;
        for (long long c = threadIdx.x; c < classes; c += blockDim.x) {
            double l = (double) logits[base + c] - lse;
            logProbs[base + c] = (T) l;
            sumLog += l;
        }
        sumLog = blockReduce(0, sumLog, shared);
        if (threadIdx.x == 0) {
            long long t = targets[row];
            if (t < 0 || t >= classes) {
                atomicMin((unsigned long long*) badRow, (unsigned long long) row);
                rowLoss[row] = NAN;
            } else {
                double target = (double) logits[base + t] - lse;
                rowLoss[row] = -((1.0 - smoothing) * target + smoothing / (double) classes * sumLog);
            }
        }
    }
}

// d loss / d logits = gradLoss/N · (softmax − (1−ε)·onehot(t) − ε/C), from the saved log p.
template <typename T> __device__ void crossEntropyBackwardKernel(long long n, long long classes, double smoothing,
                                                                 double gradLoss, T* grad, const T* logProbs,
                                                                 const long long* targets) {
    long long total = n * classes;
    double scale = gradLoss / (double) n;
    GRID_STRIDE_LOOP(i, total) {
        long long row = i / classes;
        long long c = i - row * classes;
        double g = exp((double) logProbs[i]) - smoothing / (double) classes;
        if (targets[row] == c) {
            g -= 1.0 - smoothing;
        }
        grad[i] = (T) (scale * g);
    }
}

#define SOFTMAX(T, suffix)                                                                               \
    extern "C" __global__ void softmax_##suffix(int logMode, long long rows, long long cols, long long inner, \
                                                T* y, const T* x) {                                      \
        softmaxKernel<T>(logMode, rows, cols, inner, y, x);                                              \
    }                                                                                                    \
    extern "C" __global__ void softmax_backward_##suffix(int logMode, long long rows, long long cols,      \
                                                         long long inner, T* gx, const T* g, const T* y) { \
        softmaxBackwardKernel<T>(logMode, rows, cols, inner, gx, g, y);                                  \
    }                                                                                                    \
    extern "C" __global__ void cross_entropy_##suffix(long long n, long long classes, double smoothing,    \
                                                      T* logProbs, double* rowLoss, const T* logits,      \
                                                      const long long* targets, long long* badRow) {      \
        crossEntropyKernel<T>(n, classes, smoothing, logProbs, rowLoss, logits, targets, badRow);        \
    }                                                                                                    \
    extern "C" __global__ void cross_entropy_backward_##suffix(long long n, long long classes,             \
                                                               double smoothing, double gradLoss, T* grad, \
                                                               const T* logProbs, const long long* targets) { \
        crossEntropyBackwardKernel<T>(n, classes, smoothing, gradLoss, grad, logProbs, targets);         \
    }

SOFTMAX(float, f32)
SOFTMAX(double, f64)
