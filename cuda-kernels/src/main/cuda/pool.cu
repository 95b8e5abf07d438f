// 2-D max, average and adaptive average pooling over contiguous NCHW tensors, forward and
// backward, with the CPU backend's semantics (tensor/.../cpu/MaxPool2d, AvgPool2d,
// AdaptiveAvgPool2d). A tensor is a run of `planes` = N·C planes, h×w in, oh×ow out. Sums are in
// double, in the CPU's order, so results agree with it to the last bit.
//
// Backward is a gather, never a scatter with atomics: each input element adds up, in increasing
// output order (the CPU's), the shares of the output windows that cover it, so the result does
// not depend on thread timing. Max pooling's backward has only the saved indices, not the
// windows, so one thread walks one plane's outputs in order.
#include "lethe_kernels.cuh"
#include "exact_arith.cuh"

// The windows of Pool2dSpec: output (i, j) covers rows [i·sh − ph, i·sh − ph + kh) and columns
// likewise, clipped to the input (PoolWindows.forEach); padding adds nothing to a sum and counts
// in the divisor kh·kw (count_include_pad).
struct FixedWindows {
    int h, w, oh, ow, kh, kw, sh, sw, ph, pw;

    __device__ void rowSpan(int i, int& s, int& e) const { span(i, sh, ph, kh, h, s, e); }
    __device__ void colSpan(int j, int& s, int& e) const { span(j, sw, pw, kw, w, s, e); }
    __device__ void coveringRows(int r, int& lo, int& hi) const { covering(r, sh, ph, kh, oh, lo, hi); }
    __device__ void coveringCols(int c, int& lo, int& hi) const { covering(c, sw, pw, kw, ow, lo, hi); }

    // The window's average from its sum: sum · (1 / (kh·kw)), as AvgPool2d computes it.
    __device__ double average(double sum, int, int, int, int) const {
        return mulRn(sum, 1.0 / (double) (kh * kw));
    }

    static __device__ void span(int i, int stride, int pad, int k, int in, int& s, int& e) {
        int first = i * stride - pad;
        s = max(first, 0);
        e = min(first + k, in);
    }

    // Outputs i with first(i) ≤ x < first(i) + k: i ≥ ⌊(x + pad − k) / stride⌋ + 1 and
    // i ≤ ⌊(x + pad) / stride⌋; widened by one and tested again by the caller against the span.
    static __device__ void covering(int x, int stride, int pad, int k, int out, int& lo, int& hi) {
        int a = x + pad - k;
        lo = max((a < 0 ? 0 : a / stride + 1) - 1, 0);
        hi = min((x + pad) / stride + 1, out - 1);
    }
};

// PyTorch's adaptive windows: output i covers [⌊i·in/out⌋, ⌈(i+1)·in/out⌉), divided by its own area.
struct AdaptiveWindows {
    int h, w, oh, ow;

    __device__ void rowSpan(int i, int& s, int& e) const { span(i, h, oh, s, e); }
    __device__ void colSpan(int j, int& s, int& e) const { span(j, w, ow, s, e); }
    __device__ void coveringRows(int r, int& lo, int& hi) const { covering(r, h, oh, lo, hi); }
    __device__ void coveringCols(int c, int& lo, int& hi) const { covering(c, w, ow, lo, hi); }

    __device__ double average(double sum, int hs, int he, int ws, int we) const {
        return sum / (double) ((he - hs) * (we - ws));
    }

    static __device__ void span(int i, int in, int out, int& s, int& e) {
        s = (int) ((long long) i * in / out);
        e = (int) (((long long) (i + 1) * in + out - 1) / out);
    }

    // start(i) ≤ x ⟺ i ≤ ⌊((x+1)·out − 1) / in⌋ and end(i) > x ⟺ i ≥ ⌊x·out / in⌋; widened by one
    // and tested again by the caller against the span.
    static __device__ void covering(int x, int in, int out, int& lo, int& hi) {
        lo = max((int) ((long long) x * out / in) - 1, 0);
        hi = min((int) (((long long) (x + 1) * out - 1) / in) + 1, out - 1);
    }
};

// The plane of output element k (of outPlane per plane) and its window's clipped rows [hs, he)
// and columns [ws, we).
template <typename W> __device__ __forceinline__ long long windowOf(const W& win, long long k, long long outPlane,
                                                                    int& hs, int& he, int& ws, int& we) {
    long long p = k / outPlane;
    int o = (int) (k - p * outPlane);
    int i = o / win.ow;
    win.rowSpan(i, hs, he);
    win.colSpan(o - i * win.ow, ws, we);
    return p;
}

// y = max over the window; indices = its flat position r·w + c in the input plane: the first
// maximum in row-major order, a NaN replacing the running maximum (MaxPool2d's loop exactly).
template <typename T> __device__ void maxPoolForward(FixedWindows win, long long planes, T* y, long long* indices,
                                                     const T* x) {
    long long outPlane = (long long) win.oh * win.ow;
    long long inPlane = (long long) win.h * win.w;
    GRID_STRIDE_LOOP(k, planes * outPlane) {
        int hs, he, ws, we;
        long long p = windowOf(win, k, outPlane, hs, he, ws, we);
        const T* in = x + p * inPlane;
        double best = -INFINITY;
        int arg = hs * win.w + ws;
        for (int r = hs; r < he; ++r) {
            for (int c = ws; c < we; ++c) {
                double v = (double) in[r * win.w + c];
                if (v > best || v != v) {
                    best = v;
                    arg = r * win.w + c;
                }
            }
        }
        y[k] = (T) best;
        indices[k] = arg;
    }
}

// gx[p, at] = Σ g[p, o] over the outputs o (in increasing order) whose index is at, summed in
// double in acc (which is gx itself when T is double). An index outside the plane is skipped
// and the smallest such flat output position is recorded in *bad for the host to report.
template <typename T> __device__ void maxPoolBackward(long long planes, long long inPlane, long long outPlane, T* gx,
                                                      double* acc, const T* g, const long long* indices,
                                                      unsigned long long* bad) {
    GRID_STRIDE_LOOP(p, planes) {
        double* a = acc + p * inPlane;
        for (long long q = 0; q < inPlane; ++q) {
            a[q] = 0.0;
        }
        for (long long o = p * outPlane; o < (p + 1) * outPlane; ++o) {
            long long at = indices[o];
            if (at < 0 || at >= inPlane) {
                atomicMin(bad, (unsigned long long) o);
                continue;
            }
            a[at] += (double) g[o];
        }
        T* out = gx + p * inPlane;
        for (long long q = 0; q < inPlane; ++q) {
            out[q] = (T) a[q];
        }
    }
}

// y = the window's sum (row-major, in double) turned into its average.
template <typename T, typename W> __device__ void avgPoolForward(W win, long long planes, T* y, const T* x) {
    long long outPlane = (long long) win.oh * win.ow;
    long long inPlane = (long long) win.h * win.w;
    GRID_STRIDE_LOOP(k, planes * outPlane) {
        int hs, he, ws, we;
        long long p = windowOf(win, k, outPlane, hs, he, ws, we);
        const T* in = x + p * inPlane;
        double sum = 0.0;
        for (int r = hs; r < he; ++r) {
            for (int c = ws; c < we; ++c) {
                sum += (double) in[r * win.w + c];
            }
        }
        y[k] = (T) win.average(sum, hs, he, ws, we);
    }
}

// gx[r, c] = Σ over the windows (i, j) covering (r, c), in increasing output order, of g[i, j]'s
// share: the window's average of g (the CPU spreads each share in that same order).
template <typename T, typename W> __device__ void avgPoolBackward(W win, long long planes, T* gx, const T* g) {
    long long outPlane = (long long) win.oh * win.ow;
    long long inPlane = (long long) win.h * win.w;
    GRID_STRIDE_LOOP(k, planes * inPlane) {
        long long p = k / inPlane;
        int q = (int) (k - p * inPlane);
        int r = q / win.w;
        int c = q - r * win.w;
        int ilo, ihi, jlo, jhi;
        win.coveringRows(r, ilo, ihi);
        win.coveringCols(c, jlo, jhi);
        const T* gp = g + p * outPlane;
        double acc = 0.0;
        for (int i = ilo; i <= ihi; ++i) {
            int hs, he;
            win.rowSpan(i, hs, he);
            if (r < hs || r >= he) {
                continue;
            }
            for (int j = jlo; j <= jhi; ++j) {
                int ws, we;
                win.colSpan(j, ws, we);
                if (c < ws || c >= we) {
                    continue;
                }
                acc += win.average((double) gp[i * win.ow + j], hs, he, ws, we);
            }
        }
        gx[k] = (T) acc;
    }
}

#define POOL_GEOMETRY int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw
#define POOL_WINDOWS FixedWindows{h, w, oh, ow, kh, kw, sh, sw, ph, pw}

#define POOL(T, suffix)                                                                                   \
    extern "C" __global__ void max_pool2d_##suffix(long long planes, POOL_GEOMETRY, T* y, long long* indices, \
                                                   const T* x) {                                          \
        maxPoolForward<T>(POOL_WINDOWS, planes, y, indices, x);                                           \
    }                                                                                                     \
    extern "C" __global__ void max_pool2d_backward_##suffix(long long planes, long long inPlane,            \
                                                            long long outPlane, T* gx, double* acc, const T* g, \
                                                            const long long* indices, unsigned long long* bad) { \
        maxPoolBackward<T>(planes, inPlane, outPlane, gx, acc, g, indices, bad);                          \
    }                                                                                                     \
    extern "C" __global__ void avg_pool2d_##suffix(long long planes, POOL_GEOMETRY, T* y, const T* x) {      \
        avgPoolForward<T>(POOL_WINDOWS, planes, y, x);                                                    \
    }                                                                                                     \
    extern "C" __global__ void avg_pool2d_backward_##suffix(long long planes, POOL_GEOMETRY, T* gx, const T* g) { \
        avgPoolBackward<T>(POOL_WINDOWS, planes, gx, g);                                                  \
    }                                                                                                     \
    extern "C" __global__ void adaptive_avg_pool2d_##suffix(long long planes, int h, int w, int oh, int ow,  \
                                                            T* y, const T* x) {                           \
        avgPoolForward<T>(AdaptiveWindows{h, w, oh, ow}, planes, y, x);                                   \
    }                                                                                                     \
    extern "C" __global__ void adaptive_avg_pool2d_backward_##suffix(long long planes, int h, int w, int oh, \
                                                                     int ow, T* gx, const T* g) {         \
        avgPoolBackward<T>(AdaptiveWindows{h, w, oh, ow}, planes, gx, g);                                 \
    }

POOL(float, f32)
POOL(double, f64)
