package dev.lethe.tensor.cpu;

import dev.lethe.tensor.HostStorage;

/**
 * Lowering of a convolution to a matrix product (Chellapilla, Puri and Simard 2006): the column
 * matrix has one row per (channel, ki, kj) and one column per (sample, output position), holding
 * {@code x[c, oh·sh + ki·dh − ph, ow·sw + kj·dw − pw]} (zero in the padding). {@link #expand}
 * builds the kh·kw rows of one channel for a group of samples; {@link #fold} is its adjoint
 * (col2im), adding each column entry back to the input position it came from.
 *
 * <p>Each input plane is copied into a zero-bordered array of the padded size, so the inner loops
 * have no bounds tests: a kernel offset reads (or, folding, adds) one run of ow elements per
 * output row, a plain array copy when the stride is 1. The padded planes of a channel for the
 * whole group are kept side by side, so each column row spans all samples of the group and moves
 * to or from off-heap storage in one bulk copy, as does each plane: many small native copies cost
 * more than the data they move.
 */
final class Im2Col {
    private final ConvGeometry g;
    private final Staging st;
    private final int padSize;
    private final Object pads;
    private final Object plane;
    private final Object row;

    /** Working arrays for one thread, for groups of up to {@code maxSamples} samples. */
    Im2Col(ConvGeometry g, Staging st, int maxSamples) {
        this.g = g;
        this.st = st;
        this.padSize = g.hp() * g.wp();
        this.pads = st.array(maxSamples * padSize);
        this.plane = st.array(g.spec().padW() == 0 ? 0 : g.h() * g.w());
        this.row = st.array(maxSamples * g.ohow());
    }

    /**
     * Writes rows {@code ch·kh·kw .. (ch+1)·kh·kw − 1} of the column matrix of {@code count}
     * samples, the first of which starts at {@code xOff} in {@code x}, into {@code cols}, whose
     * leading dimension is {@code count·oh·ow}.
     */
    void expand(HostStorage x, int xOff, int ch, int count, HostStorage cols) {
        int kk = g.kh() * g.kw();
        int ohow = g.ohow();
        int sampleSize = g.c() * g.h() * g.w();
        for (int i = 0; i < count; i++) {
            loadPadded(x, xOff + i * sampleSize + ch * g.h() * g.w(), i * padSize);
        }
        for (int k = 0; k < kk; k++) {
            int start = offsetOf(k);
            for (int i = 0; i < count; i++) {
                for (int r = 0; r < g.oh(); r++) {
                    int from = i * padSize + start + r * g.spec().strideH() * g.wp();
                    int to = i * ohow + r * g.ow();
                    if (g.spec().strideW() == 1) {
                        st.copy(pads, from, row, to, g.ow());
                    } else {
                        st.gather(pads, from, g.spec().strideW(), row, to, g.ow());
                    }
                }
            }
            st.store(cols, (ch * kk + k) * count * ohow, row, 0, count * ohow);
        }
    }

    /**
     * Adds rows {@code ch·kh·kw ..} of the column matrix of {@code count} samples (leading
     * dimension {@code count·oh·ow}) back onto their input planes and writes channel {@code ch}
     * of those samples into {@code dx}, the first sample starting at {@code dxOff}.
     */
    void fold(HostStorage cols, int ch, int count, HostStorage dx, int dxOff) {
        int kk = g.kh() * g.kw();
        int ohow = g.ohow();
        int sampleSize = g.c() * g.h() * g.w();
        st.zero(pads, count * padSize);
        for (int k = 0; k < kk; k++) {
            st.load(cols, (ch * kk + k) * count * ohow, row, 0, count * ohow);
            int start = offsetOf(k);
            for (int i = 0; i < count; i++) {
                for (int r = 0; r < g.oh(); r++) {
                    int to = i * padSize + start + r * g.spec().strideH() * g.wp();
                    st.scatterAdd(row, i * ohow + r * g.ow(), pads, to, g.spec().strideW(), g.ow());
                }
            }
        }
        for (int i = 0; i < count; i++) {
            storeInterior(dx, dxOff + i * sampleSize + ch * g.h() * g.w(), i * padSize);
        }
    }

    /** Where kernel offset k = ki·kw + kj starts reading in a padded plane. */
    private int offsetOf(int k) {
        int ki = k / g.kw();
        int kj = k % g.kw();
        return ki * g.spec().dilationH() * g.wp() + kj * g.spec().dilationW();
    }

    /**
     * Copies one h×w plane into the interior of the padded plane at {@code at}; the zero border
     * is never written.
     */
    private void loadPadded(HostStorage x, int off, int at) {
        int h = g.h();
        int w = g.w();
        int wp = g.wp();
        int top = at + g.spec().padH() * wp;
        if (g.spec().padW() == 0) { // rows stay adjacent: straight into place
            st.load(x, off, pads, top, h * w);
            return;
        }
        st.load(x, off, plane, 0, h * w);
        for (int r = 0; r < h; r++) {
            st.copy(plane, r * w, pads, top + r * wp + g.spec().padW(), w);
        }
    }

    /** Writes the interior of the padded plane at {@code at} to an h×w plane of storage. */
    private void storeInterior(HostStorage dx, int off, int at) {
        int h = g.h();
        int w = g.w();
        int wp = g.wp();
        int top = at + g.spec().padH() * wp;
        if (g.spec().padW() == 0) {
            st.store(dx, off, pads, top, h * w);
            return;
        }
        for (int r = 0; r < h; r++) {
            st.copy(pads, top + r * wp + g.spec().padW(), plane, r * w, w);
        }
        st.store(dx, off, plane, 0, h * w);
    }
}
