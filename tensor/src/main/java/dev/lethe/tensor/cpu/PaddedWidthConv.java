package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;

/**
 * Stride-1 convolution lowered on the padded width: the same GEMMs as {@link Im2Col}, but with
 * every column-matrix row a single contiguous slice of a zero-padded input plane.
 *
 * <p>With stride 1, output position (r, c) of kernel offset (ki, kj) reads padded-plane element
 * {@code (r + ki·dh)·Wp + c + kj·dw}. Indexing outputs by p = r·Wp + c on the padded width Wp
 * instead of r·OW + c turns the column row of (channel, ki, kj) into the plane's elements
 * {@code [ki·dh·Wp + kj·dw, + OH·Wp)}: one bulk copy instead of OH short ones, which is what made
 * the classic lowering cost as much as the GEMM on small planes. The price is Wp − OW extra
 * "wide" columns per output row (2 for 3×3 with padding 1: 7% at 28², 29% at 7²), whose
 * products are discarded.
 *
 * <ul>
 *   <li>forward: {@code y = W · cols} on the wide columns, then compacted to [N, O, OH, OW]
 *       (plus bias);</li>
 *   <li>weight gradient: {@code dW += dy · colsᵀ} with the output gradient widened by zeros in
 *       the wide columns, which cancel them.</li>
 * </ul>
 * A slice may run past its own plane into the next (or into {@code (kw−1)·dw} elements of slack
 * after the last); those elements only ever meet wide columns.
 *
 * <p>Measured against {@link Im2Col} (single thread, batch 32, 3×3 ResNet layers): forward and
 * weight gradient 6-8% faster at 32² and 16², 7% slower at 8² (25% wide columns), so
 * {@link #suits} takes it up to 15% wide columns. The data gradient stays with {@link Im2Col},
 * which reads the output gradient in place; here it would first have to be widened.
 */
final class PaddedWidthConv {
    /** Most wide columns this path accepts: Wp ≤ 1.15·OW (see the class comment). */
    private static final double MAX_WIDENING = 1.15;

    private final ConvGeometry g;
    private final DType t;
    private final Staging st;
    /** Elements of one padded plane, Hp·Wp. */
    private final int plane;
    /** Wide columns per sample, OH·Wp. */
    private final int span;
    /** Elements a slice can run past the last plane. */
    private final int slack;

    private PaddedWidthConv(ConvGeometry g, DType t) {
        this.g = g;
        this.t = t;
        this.st = Staging.of(t);
        this.plane = g.hp() * g.wp();
        this.span = g.oh() * g.wp();
        this.slack = (g.kw() - 1) * g.spec().dilationW();
    }

    /** Whether this lowering applies (stride 1) and pays (few wide columns). */
    static boolean suits(ConvGeometry g) {
        return applies(g) && g.wp() <= MAX_WIDENING * g.ow();
    }

    /** Whether it applies at all: stride 1 (tests force it on geometries it would not pick). */
    static boolean applies(ConvGeometry g) {
        return g.spec().strideH() == 1 && g.spec().strideW() == 1 && g.oh() > 0 && g.ow() > 0;
    }

    /** {@code out = conv(x, w) + bias}; {@code out} is [N, O, OH, OW], allocated by the caller. */
    static void forward(ConvGeometry g, Dense x, Dense w, double[] bias, Tensor out, long budget) {
        PaddedWidthConv p = new PaddedWidthConv(g, out.dtype());
        int group = p.samplesPerGroup(budget);
        HostStorage os = (HostStorage) out.storage();
        try (Tensor pads = p.paddedPlanes(out, group);
             Tensor cols = Tensor.empty(out.backend(), p.t, g.ckk(), group * p.span);
             Tensor y = Tensor.empty(out.backend(), p.t, g.o(), group * p.span)) {
            for (int n0 = 0; n0 < g.n(); n0 += group) {
                int count = Math.min(group, g.n() - n0);
                int ld = count * p.span;
                p.loadPlanes(x, n0, count, (HostStorage) pads.storage());
                p.expand((HostStorage) pads.storage(), count, (HostStorage) cols.storage());
                Gemm.gemm(p.t, g.o(), ld, g.ckk(), 1.0, new Gemm.Operand(w.storage, w.offset, false, g.ckk()),
                        new Gemm.Operand((HostStorage) cols.storage(), 0, false, ld), 0.0,
                        (HostStorage) y.storage(), 0, ld);
                p.compact((HostStorage) y.storage(), count, ld, bias, os, n0);
            }
        }
    }

    /** The weight gradient [O, C, kh, kw] of {@code dy} for input {@code x}, into {@code dw}. */
    static void backwardWeight(ConvGeometry g, Dense dy, Dense x, Tensor dw, long budget) {
        PaddedWidthConv p = new PaddedWidthConv(g, dw.dtype());
        int group = p.samplesPerGroup(budget);
        try (Tensor pads = p.paddedPlanes(dw, group);
             Tensor cols = Tensor.empty(dw.backend(), p.t, g.ckk(), group * p.span);
             Tensor dyWide = Tensor.empty(dw.backend(), p.t, g.o(), group * p.span)) {
            for (int n0 = 0; n0 < g.n(); n0 += group) {
                int count = Math.min(group, g.n() - n0);
                int ld = count * p.span;
                p.loadPlanes(x, n0, count, (HostStorage) pads.storage());
                p.expand((HostStorage) pads.storage(), count, (HostStorage) cols.storage());
                p.widen(dy, n0, count, (HostStorage) dyWide.storage(), ld);
                Gemm.gemm(p.t, g.o(), g.ckk(), ld, 1.0, new Gemm.Operand((HostStorage) dyWide.storage(), 0, false, ld),
                        new Gemm.Operand((HostStorage) cols.storage(), 0, true, ld), n0 == 0 ? 0.0 : 1.0,
                        (HostStorage) dw.storage(), 0, g.ckk());
            }
        }
    }

    /**
     * Samples per GEMM: as many as keep the column matrix within {@code budget} bytes, in groups
     * of equal size; one per GEMM once a sample alone has {@link ConvGeometry#DIRECT_MIN_COLUMNS}.
     */
    private int samplesPerGroup(long budget) {
        if (span >= ConvGeometry.DIRECT_MIN_COLUMNS) {
            return 1;
        }
        long perSample = Math.max(1L, (long) g.ckk() * span * t.byteSize());
        int fit = (int) Math.max(1, Math.min(g.n(), budget / perSample));
        int groups = (g.n() + fit - 1) / fit;
        return (g.n() + groups - 1) / groups;
    }

    /** Zeroed room for the padded planes [C][group][Hp·Wp] and the slack after them. */
    private Tensor paddedPlanes(Tensor like, int group) {
        return Tensor.empty(like.backend(), t, g.c() * group * plane + slack).fill_(0);
    }

    /**
     * Writes the interiors of the padded planes of samples [n0, n0 + count) as
     * {@code pads[c][i][Hp·Wp]}; borders are never written, so they stay zero.
     */
    private void loadPlanes(Dense x, int n0, int count, HostStorage pads) {
        int hw = g.h() * g.w();
        CpuThreads.parallelFor(g.c(), 1, (s, e) -> {
            Object in = st.array(hw);
            Object padded = st.array(plane);
            int top = g.spec().padH() * g.wp() + g.spec().padW();
            for (int c = s; c < e; c++) {
                for (int i = 0; i < count; i++) {
                    st.load(x.storage, x.offset + ((n0 + i) * g.c() + c) * hw, in, 0, hw);
                    for (int r = 0; r < g.h(); r++) {
                        st.copy(in, r * g.w(), padded, top + r * g.wp(), g.w());
                    }
                    st.store(pads, (c * count + i) * plane, padded, 0, plane);
                }
            }
        });
    }

    /** Column matrix [C·kh·kw, count·OH·Wp]: row (c, ki, kj), sample i = plane slice at the kernel offset. */
    private void expand(HostStorage pads, int count, HostStorage cols) {
        int kk = g.kh() * g.kw();
        int ld = count * span;
        int bytes = t.byteSize();
        CpuThreads.parallelFor(g.c(), 1, (s, e) -> {
            for (int c = s; c < e; c++) {
                for (int k = 0; k < kk; k++) {
                    int shift = offsetOf(k);
                    for (int i = 0; i < count; i++) {
                        Staging.move(pads, (c * count + i) * plane + shift, cols, (c * kk + k) * ld + i * span, span, bytes);
                    }
                }
            }
        });
    }

    /** {@code y [O, count·OH·Wp]} without its wide columns, plus bias, into out[n0 + i, o]. */
    private void compact(HostStorage y, int count, int ld, double[] bias, HostStorage out, int n0) {
        int ohow = g.ohow();
        CpuThreads.parallelFor(count * g.o(), Math.max(1, 4096 / span), (s, e) -> {
            Object wide = st.array(span);
            Object narrow = st.array(ohow);
            for (int k = s; k < e; k++) {
                int i = k / g.o();
                int o = k % g.o();
                st.load(y, o * ld + i * span, wide, 0, span);
                for (int r = 0; r < g.oh(); r++) {
                    st.copy(wide, r * g.wp(), narrow, r * g.ow(), g.ow());
                }
                if (bias != null) {
                    st.addConstant(narrow, 0, ohow, bias[o]);
                }
                st.store(out, ((n0 + i) * g.o() + o) * ohow, narrow, 0, ohow);
            }
        });
    }

    /** dy of samples [n0, n0 + count) as {@code [O, count·OH·Wp]}, zero in the wide columns. */
    private void widen(Dense dy, int n0, int count, HostStorage dyWide, int ld) {
        int ohow = g.ohow();
        CpuThreads.parallelFor(count * g.o(), Math.max(1, 4096 / span), (s, e) -> {
            Object narrow = st.array(ohow);
            Object wide = st.array(span); // only the real columns are ever written: the rest stay zero
            for (int k = s; k < e; k++) {
                int i = k / g.o();
                int o = k % g.o();
                st.load(dy.storage, dy.offset + ((n0 + i) * g.o() + o) * ohow, narrow, 0, ohow);
                for (int r = 0; r < g.oh(); r++) {
                    st.copy(narrow, r * g.ow(), wide, r * g.wp(), g.ow());
                }
                st.store(dyWide, o * ld + i * span, wide, 0, span);
            }
        });
    }

    /** Where kernel offset k = ki·kw + kj starts reading in a padded plane. */
    private int offsetOf(int k) {
        return (k / g.kw()) * g.spec().dilationH() * g.wp() + (k % g.kw()) * g.spec().dilationW();
    }
}
