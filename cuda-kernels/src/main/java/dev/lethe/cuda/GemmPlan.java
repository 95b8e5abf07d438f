package dev.lethe.cuda;

import dev.lethe.tensor.MatrixLayout;
import java.util.Arrays;

/**
 * A row-major batched product {@code out[..., M, N] = a[..., M, K] · b[..., K, N]} as cuBLAS
 * (column-major) calls. A row-major matrix is the column-major transpose with the same leading
 * dimension, so {@code C = A·B} is computed as {@code Cᵀ = Bᵀ·Aᵀ}: cuBLAS's first operand is b,
 * its second a, its m and n are N and M. Each operand is passed by its {@link MatrixLayout} (as
 * the CPU passes it to OpenBLAS); other layouts are not BLAS matrices (the caller makes them
 * contiguous first). Batch dimensions broadcast (stride 0); when every operand's batch
 * offsets form an arithmetic progression the whole batch is one strided-batched call.
 *
 * @param m,n,k     the row-major sizes
 * @param transA    whether a is stored transposed (strides (1, lda))
 * @param lda       a's leading dimension
 * @param transB    whether b is stored transposed
 * @param ldb       b's leading dimension
 * @param ldc       out's leading dimension (its row stride)
 * @param aOffsets  element offset of each batch's a matrix, likewise b and c
 */
record GemmPlan(int m, int n, int k, boolean transA, int lda, boolean transB, int ldb, int ldc, long[] aOffsets,
                long[] bOffsets, long[] cOffsets) {

    /** Number of products. */
    int batch() {
        return cOffsets.length;
    }

    /** The common step of an offset sequence, or {@code Long.MIN_VALUE} when it has none. */
    static long step(long[] offsets) {
        if (offsets.length < 2) {
            return 0;
        }
        long s = offsets[1] - offsets[0];
        for (int i = 2; i < offsets.length; i++) {
            if (offsets[i] - offsets[i - 1] != s) {
                return Long.MIN_VALUE;
            }
        }
        return s;
    }

    /** Whether one strided-batched call covers the batch. */
    boolean uniform() {
        return step(aOffsets) != Long.MIN_VALUE && step(bOffsets) != Long.MIN_VALUE && step(cOffsets) != Long.MIN_VALUE;
    }

    /**
     * The plan for a, b (shape, strides, offset each) into a contiguous out of {@code outShape};
     * null when a or b is not a BLAS matrix layout.
     */
    static GemmPlan of(int[] aShape, int[] aStrides, long aOffset, int[] bShape, int[] bStrides, long bOffset,
                       int[] outShape, long outOffset) {
        int rank = outShape.length;
        int m = outShape[rank - 2];
        int n = outShape[rank - 1];
        int k = aShape[aShape.length - 1];
        if (aShape[aShape.length - 2] != m || bShape[bShape.length - 2] != k || bShape[bShape.length - 1] != n) {
            throw new IllegalArgumentException("matmul: " + Arrays.toString(aShape) + " · " + Arrays.toString(bShape)
                    + " does not give " + Arrays.toString(outShape));
        }
        MatrixLayout ma = MatrixLayout.of(aShape, aStrides);
        MatrixLayout mb = MatrixLayout.of(bShape, bStrides);
        if (ma == null || mb == null) {
            return null;
        }
        int[] batchShape = Arrays.copyOf(outShape, rank - 2);
        long batch = 1;
        for (int d : batchShape) {
            batch *= d;
        }
        if (batch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matmul: a batch of " + batch + " products is too large");
        }
        long[] ao = offsets(aShape, aStrides, aOffset, batchShape);
        long[] bo = offsets(bShape, bStrides, bOffset, batchShape);
        long[] co = new long[(int) batch];
        for (int i = 0; i < co.length; i++) {
            co[i] = outOffset + (long) i * m * n;
        }
        return new GemmPlan(m, n, k, ma.transposed(), ma.ld(), mb.transposed(), mb.ld(), Math.max(n, 1), ao, bo, co);
    }

    /** Offset of each batch index's matrix, batch dimensions broadcast to {@code batchShape}. */
    private static long[] offsets(int[] shape, int[] strides, long offset, int[] batchShape) {
        int lead = batchShape.length - (shape.length - 2);
        long count = 1;
        for (int d : batchShape) {
            count *= d;
        }
        long[] out = new long[(int) count];
        int[] index = new int[batchShape.length];
        for (int i = 0; i < out.length; i++) {
            long o = offset;
            for (int d = 0; d < batchShape.length; d++) {
                int j = d - lead;
                if (j >= 0 && shape[j] != 1) {
                    o += (long) index[d] * strides[j];
                }
            }
            out[i] = o;
            for (int d = batchShape.length - 1; d >= 0; d--) {
                if (++index[d] < batchShape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }
}
