// Lethe's CUDA kernels run on the host (host_emulation.h) against plain loops that state what
// each computes. Exits nonzero on any failure; prints one line per family. Built and run by
// KernelsOnHostTest where a C++20 compiler exists, so CI checks the kernels' logic without a GPU.
#include "host_emulation.h"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "elementwise.cu"
#include "indexing.cu"
#include "norm.cu"
#include "optim.cu"
#include "pool.cu"
#include "random.cu"
#include "reduce.cu"
#include "select.cu"
#include "softmax.cu"
#include "unlearning.cu"

static int failures = 0;
static int checks = 0;

static void check(bool ok, const std::string& what) {
    ++checks;
    if (!ok && ++failures <= 20) {
        std::printf("FAIL %s\n", what.c_str());
    }
}

static bool same(double a, double b) { return (a != a && b != b) || (a == b && std::signbit(a) == std::signbit(b)); }
static bool near(double got, double want, double rel) { return std::fabs(got - want) <= rel * std::max(1.0, std::fabs(want)); }

static unsigned long long rng = 88172645463325252ULL;
static double uniform() {  // xorshift64, in [0, 1)
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double) (rng >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss() { return std::sqrt(-2 * std::log(1 - uniform())) * std::cos(6.283185307179586 * uniform()); }

static Layout3 layout(std::vector<int> shape, std::vector<std::vector<long long>> strides, std::vector<long long> offsets) {
    Layout3 L{};
    L.rank = (int) shape.size();
    for (int d = 0; d < L.rank; ++d) {
        L.shape[d] = shape[d];
        for (size_t s = 0; s < strides.size(); ++s) {
            L.stride[s][d] = strides[s][d];
        }
    }
    for (size_t s = 0; s < offsets.size(); ++s) {
        L.offset[s] = offsets[s];
    }
    return L;
}

static int family(const char* name, int before) {
    std::printf("%-28s %5d checks\n", name, checks - before);
    return checks;
}

static double javaMaxRef(double a, double b) { return (a != a || b != b) ? NAN : std::max(a, b); }

static void elementwise() {
    int start = checks;
    // out [2,3,4] = op(a viewed [2,1,4], b [3,4] broadcast over dim 0, stored after 2 pad elements)
    std::vector<double> a(8), b(14), out(24);
    for (auto& v : a) v = std::round(gauss() * 3);
    for (auto& v : b) v = std::round(gauss() * 3);
    a[3] = NAN;
    Layout3 L = layout({2, 3, 4}, {{12, 4, 1}, {4, 0, 1}, {0, 4, 1}}, {0, 0, 2});
    for (int op : {0, 2, 3, 5, 7, 8, 15}) {
        emu::launch(2, 32, 0, [&] { binary_f64(op, 24, L, out.data(), a.data(), b.data()); });
        for (int i = 0; i < 2; ++i) for (int j = 0; j < 3; ++j) for (int k = 0; k < 4; ++k) {
            double x = a[i * 4 + k], y = b[2 + j * 4 + k];
            double want = op == 0 ? x + y : op == 2 ? x * y : op == 3 ? x / y : op == 5 ? javaMaxRef(x, y)
                        : op == 7 ? (y > 0 ? x : 0) : op == 8 ? x + y * y : (x >= y ? 1 : 0);
            check(same(out[i * 12 + j * 4 + k], want), "binary op " + std::to_string(op) + " at " + std::to_string(i * 12 + j * 4 + k));
        }
    }
    // unary over a transposed view: out [3,4] from x stored [4,3]
    std::vector<float> x(12), y(12);
    for (auto& v : x) v = (float) gauss() * 4;
    x[5] = NAN;
    Layout3 T = layout({3, 4}, {{4, 1}, {1, 3}}, {0, 0});
    for (int op : {6, 9, 11}) {
        emu::launch(1, 32, 0, [&] { unary_f32(op, 12, T, y.data(), x.data()); });
        for (int i = 0; i < 3; ++i) for (int j = 0; j < 4; ++j) {
            float v = x[j * 3 + i];
            float want = op == 6 ? std::exp(v) : op == 9 ? (v != v ? v : (v > 0 ? v : 0.0f))
                       : (v >= 0 ? 1 / (1 + std::exp(-v)) : std::exp(v) / (1 + std::exp(v)));
            check(same(y[i * 4 + j], want), "unary op " + std::to_string(op));
        }
    }
    // integers compute in double and store as Java casts: saturating, NaN -> 0
    std::vector<int> ia = {7, -7, 1, 0}, ib = {2, 2, 0, 0}, iq(4);
    Layout3 I = layout({4}, {{1}, {1}, {1}}, {0, 0, 0});
    emu::launch(1, 32, 0, [&] { binary_i32(3, 4, I, iq.data(), ia.data(), ib.data()); });
    check(iq[0] == 3 && iq[1] == -3 && iq[2] == 2147483647 && iq[3] == 0, "int32 division as Java");
    std::vector<double> wide = {3e9, -3e9, -2.7, NAN};
    std::vector<int> narrow(4);
    emu::launch(1, 32, 0, [&] { copy_f64_i32(4, I, narrow.data(), wide.data()); });
    check(narrow[0] == 2147483647 && narrow[1] == (-2147483647 - 1) && narrow[2] == -2 && narrow[3] == 0,
          "float64 -> int32 as Java's cast");
    // fill a strided view; where with its own condition layout
    std::vector<long long> filled(11, -1);
    Layout3 F = layout({5}, {{2}}, {1});
    emu::launch(1, 32, 0, [&] { fill_i64(5, F, filled.data(), 42LL); });
    for (int i = 0; i < 11; ++i) check(filled[i] == (i % 2 == 1 ? 42 : -1), "fill of a strided view");
    std::vector<float> c = {1, 0, 0, 1}, p = {1, 2, 3, 4}, q = {-1, -2, -3, -4}, w(4);
    Layout3 W = layout({4}, {{1}, {1}, {1}}, {0, 0, 0});
    emu::launch(1, 32, 0, [&] { where_f32(4, W, W, w.data(), c.data(), p.data(), q.data()); });
    check(w[0] == 1 && w[1] == -2 && w[2] == -3 && w[3] == 4, "where");
    family("elementwise", start);
}

static void reductions() {
    int start = checks;
    std::vector<double> x(60), out(12), mx(5);
    for (auto& v : x) v = gauss();
    // sum over axis 1 of [3,5,4]: kept [3,4] (out strides 4,1; x strides 20,1), reduced [5] (x stride 4)
    Layout3 kept = layout({3, 4}, {{4, 1}, {20, 1}}, {0, 0});
    Layout3 over = layout({5}, {{0}, {4}}, {0, 0});
    emu::launch(2, 32, 32 * sizeof(double), [&] { reduce_f64(0, 12, 5, kept, over, out.data(), x.data()); });
    for (int i = 0; i < 3; ++i) for (int k = 0; k < 4; ++k) {
        double s = 0;
        for (int j = 0; j < 5; ++j) s += x[i * 20 + j * 4 + k];
        check(near(out[i * 4 + k], s, 1e-14), "sum over axis 1");
    }
    // max over axes {0, 2}: kept [5], reduced [3,4]; a NaN wins its row
    x[1 * 20 + 2 * 4 + 3] = NAN;
    Layout3 kept2 = layout({5}, {{1}, {4}}, {0, 0});
    Layout3 over2 = layout({3, 4}, {{0, 0}, {20, 1}}, {0, 0});
    emu::launch(2, 32, 32 * sizeof(double), [&] { reduce_f64(1, 5, 12, kept2, over2, mx.data(), x.data()); });
    for (int j = 0; j < 5; ++j) {
        double m = -INFINITY;
        for (int i = 0; i < 3; ++i) for (int k = 0; k < 4; ++k) m = javaMaxRef(m, x[i * 20 + j * 4 + k]);
        check(same(mx[j], m), "max over axes 0 and 2");
    }
    family("reductions", start);
}

static void softmaxAndCrossEntropy() {
    int start = checks;
    const int outer = 2, cols = 7, inner = 3, rows = outer * inner;
    std::vector<double> x(42), y(42), g(42), gx(42);
    for (auto& v : x) v = gauss() * 3;
    for (auto& v : g) v = gauss();
    for (int logMode = 0; logMode < 2; ++logMode) {
        emu::launch(4, 32, 32 * sizeof(double), [&] { softmax_f64(logMode, rows, cols, inner, y.data(), x.data()); });
        emu::launch(4, 32, 32 * sizeof(double), [&] { softmax_backward_f64(logMode, rows, cols, inner, gx.data(), g.data(), y.data()); });
        for (int o = 0; o < outer; ++o) for (int i = 0; i < inner; ++i) {
            double m = -INFINITY, s = 0, dot = 0;
            for (int c = 0; c < cols; ++c) m = std::max(m, x[(o * cols + c) * inner + i]);
            for (int c = 0; c < cols; ++c) s += std::exp(x[(o * cols + c) * inner + i] - m);
            double lse = m + std::log(s);
            for (int c = 0; c < cols; ++c) {
                int at = (o * cols + c) * inner + i;
                dot += logMode ? g[at] : g[at] * std::exp(x[at] - lse);
            }
            for (int c = 0; c < cols; ++c) {
                int at = (o * cols + c) * inner + i;
                double l = x[at] - lse;
                check(near(y[at], logMode ? l : std::exp(l), 1e-14), logMode ? "log-softmax" : "softmax");
                double want = logMode ? g[at] - std::exp(l) * dot : std::exp(l) * (g[at] - dot);
                check(near(gx[at], want, 1e-13), logMode ? "log-softmax backward" : "softmax backward");
            }
        }
    }
    const int n = 5, classes = 4;
    std::vector<float> logits(20), logProbs(20), grad(20);
    for (auto& v : logits) v = (float) gauss() * 2;
    std::vector<double> rowLoss(n);
    std::vector<long long> targets = {0, 3, 1, 2, 3};
    unsigned long long badRow = ~0ULL;
    emu::launch(2, 32, 32 * sizeof(double), [&] {
        cross_entropy_f32(n, classes, 0.1, logProbs.data(), rowLoss.data(), logits.data(), targets.data(), (long long*) &badRow);
    });
    emu::launch(2, 32, 0, [&] { cross_entropy_backward_f32(n, classes, 0.1, 0.7, grad.data(), logProbs.data(), targets.data()); });
    check(badRow == ~0ULL, "no bad target");
    for (int r = 0; r < n; ++r) {
        double m = -INFINITY, s = 0, sumLog = 0;
        for (int c = 0; c < classes; ++c) m = std::max(m, (double) logits[r * classes + c]);
        for (int c = 0; c < classes; ++c) s += std::exp(logits[r * classes + c] - m);
        double lse = m + std::log(s);
        for (int c = 0; c < classes; ++c) sumLog += logits[r * classes + c] - lse;
        double want = -(0.9 * (logits[r * classes + targets[r]] - lse) + 0.1 / classes * sumLog);
        check(near(rowLoss[r], want, 1e-6), "cross-entropy row loss");
        for (int c = 0; c < classes; ++c) {
            double p = std::exp((double) logProbs[r * classes + c]);
            double gw = 0.7 / n * (p - 0.1 / classes - (c == targets[r] ? 0.9 : 0.0));
            check(near(grad[r * classes + c], gw, 1e-6), "cross-entropy backward");
        }
    }
    std::vector<long long> bad = {0, 4, 1, -1, 3};
    badRow = ~0ULL;
    emu::launch(2, 32, 32 * sizeof(double), [&] {
        cross_entropy_f32(n, classes, 0.0, logProbs.data(), rowLoss.data(), logits.data(), bad.data(), (long long*) &badRow);
    });
    check(badRow == 1, "the first bad target's row is flagged");
    family("softmax, cross-entropy", start);
}

static void selection() {
    int start = checks;
    const int outer = 3, len = 6, inner = 2;
    std::vector<float> x(36);
    for (auto& v : x) v = (float) std::round(gauss());  // ties
    x[(1 * len + 2) * inner + 1] = NAN;
    x[(1 * len + 4) * inner + 1] = NAN;
    std::vector<long long> arg(6);
    for (int maxMode = 0; maxMode < 2; ++maxMode) {
        emu::launch(1, 32, 0, [&] { arg_reduce_f32(maxMode, outer * inner, len, inner, arg.data(), x.data()); });
        for (int o = 0; o < outer; ++o) for (int i = 0; i < inner; ++i) {
            int best = 0;
            double bv = x[o * len * inner + i];
            for (int c = 1; c < len && bv == bv; ++c) {
                double v = x[(o * len + c) * inner + i];
                if (v != v || (maxMode ? v > bv : v < bv)) {
                    best = c;
                    bv = v;
                }
            }
            check(arg[o * inner + i] == best, maxMode ? "argmax" : "argmin");
        }
    }
    // k-th largest: the host's digit walk (RadixSelect.select) over radix_histogram passes
    std::vector<double> v(1000);
    for (size_t i = 0; i < v.size(); ++i) {
        int kind = (int) (uniform() * 6);
        v[i] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : kind == 2 ? (uniform() < 0.5 ? INFINITY : -INFINITY)
             : kind == 3 ? NAN : std::round(gauss() * 4);
    }
    std::vector<double> sorted = v;
    auto order = [](double a, double b) {  // Double.compare
        if (a != a) return false;
        if (b != b) return true;
        if (a == b) return std::signbit(a) && !std::signbit(b);
        return a < b;
    };
    std::sort(sorted.begin(), sorted.end(), order);
    std::vector<unsigned long long> hist(256);
    long long n = (long long) v.size();
    for (long long k : {1LL, 2LL, 10LL, 333LL, 999LL, 1000LL}) {
        long long rank = n - k;
        unsigned long long prefix = 0, mask = 0;
        for (int shift = 56; shift >= 0; shift -= 8) {
            std::fill(hist.begin(), hist.end(), 0ULL);
            emu::launch(3, 64, 0, [&] { radix_histogram_f64(n, v.data(), prefix, mask, shift, hist.data()); });
            int digit = 0;
            while (rank >= (long long) hist[digit]) {
                rank -= (long long) hist[digit++];
            }
            prefix |= (unsigned long long) digit << shift;
            mask |= 0xffULL << shift;
        }
        unsigned long long bits = (prefix >> 63) ? prefix & 0x7fffffffffffffffULL : ~prefix;
        double got;
        std::memcpy(&got, &bits, sizeof got);
        check(same(got, sorted[n - k]) || (got != got && sorted[n - k] != sorted[n - k]), "k-th largest, k = " + std::to_string(k));
    }
    family("argmax, k-th largest", start);
}

static void indexing() {
    int start = checks;
    // gather along axis 1: out[3,4][i][j] = x[3,5][i][idx[i][j]]
    std::vector<double> x(15), out(12);
    for (auto& v : x) v = gauss();
    std::vector<long long> idx(12);
    for (auto& i : idx) i = (long long) (uniform() * 5);
    Layout3 L = layout({3}, {{4}, {5}, {4}}, {0, 0, 0});
    int bad = 0;
    emu::launch(2, 32, 0, [&] { index_walk_f64(0, 1, 3, L, 4, 1, 1, 1, 5, idx.data(), x.data(), out.data(), &bad); });
    for (int i = 0; i < 3; ++i) for (int j = 0; j < 4; ++j) check(out[i * 4 + j] == x[i * 5 + idx[i * 4 + j]], "gather");
    check(bad == 0, "no bad index");
    // scatter-add with duplicates, int32 index: sums in index order, as the CPU's walk
    std::vector<float> acc(15), src(12), want(15);
    for (size_t i = 0; i < acc.size(); ++i) acc[i] = want[i] = (float) gauss();
    for (auto& v : src) v = (float) gauss();
    std::vector<int> idx32(12);
    for (int q = 0; q < 12; ++q) idx32[q] = (int) (idx[q] % 2);  // many duplicates
    emu::launch(2, 32, 0, [&] { index_walk_f32(1, 0, 3, L, 4, 1, 1, 1, 5, idx32.data(), acc.data(), src.data(), &bad); });
    for (int i = 0; i < 3; ++i) for (int j = 0; j < 4; ++j) want[i * 5 + idx32[i * 4 + j]] += src[i * 4 + j];
    for (int q = 0; q < 15; ++q) check(acc[q] == want[q], "scatter-add in index order");
    idx[5] = 7;
    emu::launch(1, 32, 0, [&] { index_walk_f64(0, 1, 3, L, 4, 1, 1, 1, 5, idx.data(), x.data(), out.data(), &bad); });
    check(bad == 1, "an index outside the axis is flagged");
    family("gather, scatter-add", start);
}

static void randomAndUpdates() {
    int start = checks;
    std::vector<float> mask(11);
    emu::launch(2, 32, 0, [&] { dropout_mask_f32(11, 5, 12345, 0.3, 1 / 0.7, mask.data()); });
    for (int i = 0; i < 11; ++i) {
        PhiloxWords w = philoxBlock(5 + i / 4, 12345);
        check(mask[i] == (float) dropoutValue(w.w[i % 4], 0.3, 1 / 0.7), "dropout element " + std::to_string(i));
    }
    // SGD, every flag combination, against the composed update's roundings (float32 throughout)
    for (int flags = 0; flags < 16; ++flags) {
        if ((flags & 4) && !(flags & 2)) continue;  // Nesterov needs momentum
        std::vector<float> p(37), g(37), buf(37), p0, b0;
        for (auto& v : p) v = (float) gauss();
        for (auto& v : g) v = (float) gauss();
        for (auto& v : buf) v = (float) gauss();
        p0 = p;
        b0 = buf;
        float negLr = -0.1f, mu = 0.9f, wd = 0.01f;
        emu::launch(2, 32, 0, [&] { sgd_step_f32(flags, 37, negLr, mu, wd, p.data(), g.data(), buf.data()); });
        for (int i = 0; i < 37; ++i) {
            float d = g[i];
            if (flags & 1) d = p0[i] * wd + d;
            float b = b0[i];
            if (flags & 2) {
                b = (flags & 8) ? d : b0[i] * mu + d;
                d = (flags & 4) ? b * mu + d : b;
            }
            check(p[i] == p0[i] + d * negLr && ((flags & 2) == 0 || buf[i] == b), "sgd flags " + std::to_string(flags));
        }
    }
    std::vector<float> p(37), g(37), m(37), v(37);
    for (int i = 0; i < 37; ++i) {
        p[i] = (float) gauss();
        g[i] = (float) gauss();
        m[i] = (float) gauss() * 0.1f;
        v[i] = (float) uniform() * 0.1f;
    }
    std::vector<float> p0 = p, m0 = m, v0 = v;
    float decay = 0.999f, b1 = 0.9f, omb1 = 0.1f, b2 = 0.999f, omb2 = 0.001f, bc2 = 0.0447f, eps = 1e-8f, negStep = -0.01f;
    emu::launch(2, 32, 0, [&] {
        adamw_step_f32(1, 37, decay, b1, omb1, b2, omb2, bc2, eps, negStep, p.data(), g.data(), m.data(), v.data());
    });
    for (int i = 0; i < 37; ++i) {
        float pi = p0[i] * decay;
        float mi = m0[i] * b1 + g[i] * omb1;
        float vi = v0[i] * b2 + (g[i] * omb2) * g[i];
        float denom = std::sqrt(vi) / bc2 + eps;
        check(p[i] == pi + (mi * negStep) / denom && m[i] == mi && v[i] == vi, "adamw");
    }
    // SSD dampening: selection, factors (-1 where not selected) and the two counts via warp ballots
    const int n = 300;
    std::vector<float> theta(n), th0;
    std::vector<double> data(n), forget(n), factor(n);
    for (int i = 0; i < n; ++i) {
        theta[i] = (float) gauss();
        data[i] = uniform();
        forget[i] = uniform() * 2;
    }
    theta[7] = 0.0f;  // selected but unchanged
    forget[7] = 5.0;
    th0 = theta;
    unsigned long long counts[2] = {0, 0};
    emu::launch(3, 64, 0, [&] { ssd_dampen_f32(n, 1.0, 0.5, theta.data(), data.data(), forget.data(), factor.data(), counts); });
    unsigned long long selected = 0, changed = 0;
    for (int i = 0; i < n; ++i) {
        bool pick = forget[i] > 1.0 * data[i];
        double f = pick ? std::min(0.5 * data[i] / forget[i], 1.0) : -1.0;
        float t = pick ? (float) (f * th0[i]) : th0[i];
        selected += pick;
        changed += pick && !same(t, th0[i]);
        check(factor[i] == f && same(theta[i], t), "ssd element " + std::to_string(i));
    }
    check(counts[0] == selected && counts[1] == changed, "ssd counts");
    family("dropout, SGD, AdamW, SSD", start);
}

static void pooling() {
    int start = checks;
    for (int h = 1; h <= 7; h += 2) for (int w = 2; w <= 6; w += 2) for (int k = 1; k <= 3; ++k) for (int s = 1; s <= 2; ++s)
    for (int p = 0; p <= k / 2; ++p) {
        int kh = k, kw = k, oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        if (h + 2 * p < kh || w + 2 * p < kw) continue;
        const long long planes = 2;
        std::vector<double> x(planes * h * w), y(planes * oh * ow), ya(y.size()), g(y.size()), gx(x.size()), ref(x.size(), 0.0);
        std::vector<long long> idx(y.size());
        for (auto& v : x) v = std::round(gauss());  // ties
        for (auto& v : g) v = gauss();
        emu::launch(2, 32, 0, [&] { max_pool2d_f64(planes, h, w, oh, ow, kh, kw, s, s, p, p, y.data(), idx.data(), x.data()); });
        emu::launch(2, 32, 0, [&] { avg_pool2d_f64(planes, h, w, oh, ow, kh, kw, s, s, p, p, ya.data(), x.data()); });
        emu::launch(2, 32, 0, [&] { avg_pool2d_backward_f64(planes, h, w, oh, ow, kh, kw, s, s, p, p, gx.data(), g.data()); });
        for (int pl = 0; pl < planes; ++pl) for (int i = 0; i < oh; ++i) for (int j = 0; j < ow; ++j) {
            int hs = std::max(i * s - p, 0), he = std::min(i * s - p + kh, h);
            int ws = std::max(j * s - p, 0), we = std::min(j * s - p + kw, w);
            double best = -INFINITY, sum = 0;
            int at = hs * w + ws;
            for (int r = hs; r < he; ++r) for (int c = ws; c < we; ++c) {
                double v = x[pl * h * w + r * w + c];
                sum += v;
                if (v > best || v != v) {
                    best = v;
                    at = r * w + c;
                }
            }
            long long o = (long long) pl * oh * ow + i * ow + j;
            check(y[o] == best && idx[o] == at, "max-pool value and first index");
            check(near(ya[o], sum / (kh * kw), 1e-15), "avg-pool (padding counted)");
            for (int r = hs; r < he; ++r) for (int c = ws; c < we; ++c) ref[pl * h * w + r * w + c] += g[o] / (kh * kw);
        }
        for (size_t q = 0; q < gx.size(); ++q) check(near(gx[q], ref[q], 1e-14), "avg-pool backward");
        std::vector<double> mgx(x.size()), acc(x.size()), mref(x.size(), 0.0);
        unsigned long long badAt = ~0ULL;
        emu::launch(1, 32, 0, [&] { max_pool2d_backward_f64(planes, h * w, oh * ow, mgx.data(), acc.data(), g.data(), idx.data(), &badAt); });
        for (int pl = 0; pl < planes; ++pl) for (int o = 0; o < oh * ow; ++o) mref[pl * h * w + idx[pl * oh * ow + o]] += g[pl * oh * ow + o];
        for (size_t q = 0; q < x.size(); ++q) check(mgx[q] == mref[q], "max-pool backward in output order");
        check(badAt == ~0ULL, "no bad max-pool index");
    }
    for (int h : {1, 4, 7}) for (int oh : {1, 3, 5}) {
        int w = h + 1, ow = oh;
        const long long planes = 2;
        std::vector<double> x(planes * h * w), y(planes * oh * ow), g(y.size()), gx(x.size()), ref(x.size(), 0.0);
        for (auto& v : x) v = gauss();
        for (auto& v : g) v = gauss();
        emu::launch(2, 32, 0, [&] { adaptive_avg_pool2d_f64(planes, h, w, oh, ow, y.data(), x.data()); });
        emu::launch(2, 32, 0, [&] { adaptive_avg_pool2d_backward_f64(planes, h, w, oh, ow, gx.data(), g.data()); });
        for (int pl = 0; pl < planes; ++pl) for (int i = 0; i < oh; ++i) for (int j = 0; j < ow; ++j) {
            int hs = i * h / oh, he = ((i + 1) * h + oh - 1) / oh, ws = j * w / ow, we = ((j + 1) * w + ow - 1) / ow;
            double sum = 0;
            for (int r = hs; r < he; ++r) for (int c = ws; c < we; ++c) sum += x[pl * h * w + r * w + c];
            long long o = (long long) pl * oh * ow + i * ow + j;
            double area = (double) (he - hs) * (we - ws);
            check(near(y[o], sum / area, 1e-15), "adaptive avg-pool");
            for (int r = hs; r < he; ++r) for (int c = ws; c < we; ++c) ref[pl * h * w + r * w + c] += g[o] / area;
        }
        for (size_t q = 0; q < gx.size(); ++q) check(near(gx[q], ref[q], 1e-14), "adaptive avg-pool backward");
    }
    family("pooling", start);
}

static void normalization() {
    int start = checks;
    for (int S : {1, 9}) {  // batch norm on [N, C] and [N, C, S], training, with running statistics
        const int n = 5, c = 3;
        const long long m = (long long) n * S;
        unsigned block = 32;
        while (block < 1024 && block < m) block <<= 1;
        std::vector<double> x(n * c * S), y(x.size()), stats(4 * c), rm(c, 0.5), rv(c, 2.0), gam(c), bet(c), g(x.size()),
            gx(x.size()), coef(6 * c);
        for (auto& v : x) v = gauss();
        for (auto& v : g) v = gauss();
        for (auto& v : gam) v = gauss();
        for (auto& v : bet) v = gauss();
        emu::launch(2, block, block * sizeof(double), [&] {
            batch_norm_stats_f64(n, c, S, 1, 1, 0.1, 1e-5, stats.data(), rm.data(), rv.data(), x.data(), gam.data(), bet.data());
        });
        emu::launch(2, 64, 0, [&] { batch_norm_apply_f64(n * c * S, c, S, y.data(), x.data(), stats.data()); });
        std::vector<double> mean(stats.begin(), stats.begin() + c), inv(stats.begin() + c, stats.begin() + 2 * c);
        emu::launch(2, block, block * sizeof(double), [&] {
            batch_norm_backward_stats_f64(n, c, S, 1, coef.data(), g.data(), x.data(), mean.data(), inv.data(), gam.data());
        });
        emu::launch(2, 64, 0, [&] { batch_norm_backward_apply_f64(n * c * S, c, S, gx.data(), g.data(), x.data(), coef.data()); });
        for (int ch = 0; ch < c; ++ch) {
            double s = 0, ss = 0, sg = 0, sgx = 0;
            for (int i = 0; i < n; ++i) for (int q = 0; q < S; ++q) s += x[(i * c + ch) * S + q];
            double mu = s / m;
            for (int i = 0; i < n; ++i) for (int q = 0; q < S; ++q) ss += std::pow(x[(i * c + ch) * S + q] - mu, 2);
            double is = 1 / std::sqrt(ss / m + 1e-5);
            check(near(mean[ch], mu, 1e-13) && near(inv[ch], is, 1e-12), "batch-norm statistics");
            check(near(rm[ch], 0.9 * 0.5 + 0.1 * mu, 1e-13) && near(rv[ch], 0.9 * 2.0 + 0.1 * ss / (m - 1), 1e-12),
                  "batch-norm running statistics (unbiased variance)");
            for (int i = 0; i < n; ++i) for (int q = 0; q < S; ++q) {
                int at = (i * c + ch) * S + q;
                check(near(y[at], (x[at] - mu) * is * gam[ch] + bet[ch], 1e-12), "batch-norm output");
                sg += g[at];
                sgx += g[at] * (x[at] - mu) * is;
            }
            check(near(coef[4 * c + ch], sgx, 1e-12) && near(coef[5 * c + ch], sg, 1e-12), "batch-norm weight and bias gradients");
            for (int i = 0; i < n; ++i) for (int q = 0; q < S; ++q) {
                int at = (i * c + ch) * S + q;
                double xh = (x[at] - mu) * is;
                check(near(gx[at], gam[ch] * is * (g[at] - sg / m - xh * sgx / m), 1e-11), "batch-norm input gradient");
            }
        }
    }
    for (int d : {1, 31, 70}) {  // layer norm, fewer blocks than rows
        const int rows = 5;
        unsigned block = 32;
        while (block < 1024 && block < (unsigned) d) block <<= 1;
        std::vector<double> x(rows * d), y(x.size()), mean(rows), inv(rows), gam(d), bet(d), g(x.size()), gx(x.size()), dg(d), db(d);
        for (auto& v : x) v = gauss();
        for (auto& v : g) v = gauss();
        for (auto& v : gam) v = gauss();
        for (auto& v : bet) v = gauss();
        emu::launch(2, block, block * sizeof(double), [&] {
            layer_norm_f64(rows, d, 1e-5, y.data(), mean.data(), inv.data(), x.data(), gam.data(), bet.data());
        });
        emu::launch(2, block, block * sizeof(double), [&] {
            layer_norm_backward_f64(rows, d, gx.data(), g.data(), x.data(), mean.data(), inv.data(), gam.data());
        });
        emu::launch(2, 256, 4096, [&] {
            layer_norm_param_grads_f64(rows, d, dg.data(), db.data(), g.data(), x.data(), mean.data(), inv.data());
        });
        std::vector<double> rg(d, 0.0), rb(d, 0.0);
        for (int r = 0; r < rows; ++r) {
            double s = 0, ss = 0, sG = 0, sGx = 0;
            for (int i = 0; i < d; ++i) s += x[r * d + i];
            double mu = s / d;
            for (int i = 0; i < d; ++i) ss += std::pow(x[r * d + i] - mu, 2);
            double is = 1 / std::sqrt(ss / d + 1e-5);
            check(near(mean[r], mu, 1e-13) && near(inv[r], is, 1e-12), "layer-norm statistics");
            for (int i = 0; i < d; ++i) {
                double xh = (x[r * d + i] - mu) * is;
                check(near(y[r * d + i], xh * gam[i] + bet[i], 1e-12), "layer-norm output");
                sG += g[r * d + i] * gam[i];
                sGx += g[r * d + i] * gam[i] * xh;
                rg[i] += g[r * d + i] * xh;
                rb[i] += g[r * d + i];
            }
            for (int i = 0; i < d; ++i) {
                double xh = (x[r * d + i] - mu) * is;
                check(near(gx[r * d + i], is * (g[r * d + i] * gam[i] - sG / d - xh * sGx / d), 1e-11), "layer-norm input gradient");
            }
        }
        for (int i = 0; i < d; ++i) check(near(dg[i], rg[i], 1e-12) && near(db[i], rb[i], 1e-12), "layer-norm weight and bias gradients");
    }
    family("batch norm, layer norm", start);
}

int main() {
    elementwise();
    reductions();
    softmaxAndCrossEntropy();
    selection();
    indexing();
    randomAndUpdates();
    pooling();
    normalization();
    std::printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
