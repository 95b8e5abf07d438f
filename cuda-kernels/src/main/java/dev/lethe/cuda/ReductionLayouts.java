package dev.lethe.cuda;

import java.util.Arrays;

/**
 * How the reduction kernel walks a tensor: {@code kept} spans the output (out's shape; slot 0
 * out's strides and offset, slot 1 x's strides with the reduced axes at stride 0 and x's
 * offset), {@code over} spans the reduced axes (their extents; slot 1 x's strides along them).
 * Output element r reads {@code x[kept.slot1(r) + over.slot1(j)]} for every j.
 *
 * @param kept     the walk over output elements
 * @param over     the walk over the reduced sub-space
 * @param outputs  number of output elements
 * @param reduced  elements reduced into each
 */
record ReductionLayouts(KernelLayout kept, KernelLayout over, long outputs, long reduced) {

    /** The layouts of reducing x (shape, strides, offset) over {@code axes} into out (keepdim shape). */
    static ReductionLayouts of(int[] xShape, int[] xStrides, long xOffset, int[] axes, int[] outShape, int[] outStrides,
                               long outOffset, String op) {
        int rank = xShape.length;
        if (outShape.length != rank) {
            throw new IllegalArgumentException(op + ": output shape " + Arrays.toString(outShape) + " must keep the rank of "
                    + Arrays.toString(xShape));
        }
        boolean[] isReduced = new boolean[rank];
        for (int a : axes) {
            if (a < 0 || a >= rank || isReduced[a]) {
                throw new IllegalArgumentException(op + ": bad or repeated axis " + a + " for shape " + Arrays.toString(xShape));
            }
            isReduced[a] = true;
        }
        long[] keptX = new long[rank];
        long[] keptOut = new long[rank];
        int[] overShape = new int[axes.length];
        long[] overX = new long[axes.length];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            int expected = isReduced[d] ? 1 : xShape[d];
            if (outShape[d] != expected) {
                throw new IllegalArgumentException(op + ": output shape " + Arrays.toString(outShape) + " does not match "
                        + Arrays.toString(xShape) + " reduced over " + Arrays.toString(axes));
            }
            keptOut[d] = outStrides[d];
            if (isReduced[d]) {
                overShape[k] = xShape[d];
                overX[k++] = xStrides[d];
            } else {
                keptX[d] = xStrides[d];
            }
        }
        KernelLayout kept = new KernelLayout(outShape, op).slot(0, keptOut, outOffset).slot(1, keptX, xOffset);
        KernelLayout over = new KernelLayout(overShape, op).slot(1, overX, 0);
        return new ReductionLayouts(kept, over, kept.numel(), over.numel());
    }
}
