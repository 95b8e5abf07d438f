package dev.lethe.tensor.cpu;

import dev.lethe.tensor.HostStorage;

/**
 * Lowering of a convolution to a matrix product (Chellapilla, Puri and Simard 2006): the column
 * matrix has one row per (channel, ki, kj) and one column per output position, holding
 * {@code x[c, oh·sh + ki·dh − ph, ow·sw + kj·dw − pw]} (zero in the padding). {@link #expand}
 * builds a sample's block of columns; {@link #fold} is its adjoint (col2im), adding each column
 * entry back to the input position it came from.
 *
 * <p>Each channel plane is first copied into a zero-bordered array of the padded size, so the
 * inner loops have no bounds tests: a kernel offset reads (or, folding, adds) one run of ow
 * elements per output row, a plain array copy when the stride is 1. Column rows are moved to and
 * from off-heap storage in bulk.
 */
final class Im2Col {
    private final ConvGeometry g;
    private final Staging st;
    private final Object pad;
    private final Object row;

    /** Working arrays for one thread. */
    Im2Col(ConvGeometry g, Staging st) {
        this.g = g;
        this.st = st;
        this.pad = st.array(g.hp() * g.wp());
        this.row = st.array(g.ohow());
    }

    /**
     * Writes the column rows of channel {@code ch} of the sample whose planes start at
     * {@code xOff} into {@code cols} (leading dimension {@code ld}), starting at column {@code col0}.
     */
    void expand(HostStorage x, int xOff, int ch, HostStorage cols, int ld, int col0) {
        int h = g.h();
        int w = g.w();
        int wp = g.wp();
        int ph = g.spec().padH();
        int pw = g.spec().padW();
        // Only the interior is written, so the zero border of the padded plane stays zero.
        for (int r = 0; r < h; r++) {
            st.load(x, xOff + (ch * h + r) * w, pad, (r + ph) * wp + pw, w);
        }
        int oh = g.oh();
        int ow = g.ow();
        int sh = g.spec().strideH();
        int sw = g.spec().strideW();
        for (int ki = 0; ki < g.kh(); ki++) {
            for (int kj = 0; kj < g.kw(); kj++) {
                int start = ki * g.spec().dilationH() * wp + kj * g.spec().dilationW();
                for (int i = 0; i < oh; i++) {
                    int src = start + i * sh * wp;
                    if (sw == 1) {
                        st.copy(pad, src, row, i * ow, ow);
                    } else {
                        st.gather(pad, src, sw, row, i * ow, ow);
                    }
                }
                int r = (ch * g.kh() + ki) * g.kw() + kj;
                st.store(cols, r * ld + col0, row, 0, oh * ow);
            }
        }
    }

    /**
     * Adds the column rows of channel {@code ch} (from {@code cols}, leading dimension {@code ld},
     * starting at column {@code col0}) back onto the input plane and writes that plane to
     * {@code dx} for the sample whose planes start at {@code dxOff}.
     */
    void fold(HostStorage cols, int ld, int col0, int ch, HostStorage dx, int dxOff) {
        int wp = g.wp();
        int oh = g.oh();
        int ow = g.ow();
        int sh = g.spec().strideH();
        int sw = g.spec().strideW();
        st.zero(pad, g.hp() * wp);
        for (int ki = 0; ki < g.kh(); ki++) {
            for (int kj = 0; kj < g.kw(); kj++) {
                int r = (ch * g.kh() + ki) * g.kw() + kj;
                st.load(cols, r * ld + col0, row, 0, oh * ow);
                int start = ki * g.spec().dilationH() * wp + kj * g.spec().dilationW();
                for (int i = 0; i < oh; i++) {
                    st.scatterAdd(row, i * ow, pad, start + i * sh * wp, sw, ow);
                }
            }
        }
        int h = g.h();
        int w = g.w();
        int ph = g.spec().padH();
        int pw = g.spec().padW();
        for (int r = 0; r < h; r++) {
            st.store(dx, dxOff + (ch * h + r) * w, pad, (r + ph) * wp + pw, w);
        }
    }
}
