package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MatrixLayout;
import dev.lethe.tensor.Tensor;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Matrix products through OpenBLAS {@code cblas_sgemm}/{@code cblas_dgemm} on the tensors'
 * off-heap memory. A matrix whose last two strides are (ld, 1) is passed as is, one with strides
 * (1, ld) as a transposed flag; only other layouts are copied first. Every offset and leading
 * dimension is checked against the storage before the call.
 */
public final class Gemm {
    private Gemm() {
    }

    /** One matrix operand as BLAS sees it: storage, element offset, transposed flag, leading dimension. */
    record Operand(HostStorage storage, int offset, boolean trans, int ld) {
        /** The same stored matrix read as its transpose. */
        Operand transposed() {
            return new Operand(storage, offset, !trans, ld);
        }
    }

    /**
     * {@code out = alpha·op(a)·op(b) + beta·out} for single matrices given as BLAS operands;
     * m×k times k×n into an m×n row-major block at {@code cOff} with leading dimension {@code ldc}.
     */
    static void gemm(DType type, int m, int n, int k, double alpha, Operand a, Operand b, double beta,
                     HostStorage c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        checkSpan(a, m, k, type, "A");
        checkSpan(b, k, n, type, "B");
        checkSpan(new Operand(c, cOff, false, ldc), m, n, type, "C");
        int ta = a.trans ? openblas.CblasTrans : openblas.CblasNoTrans;
        int tb = b.trans ? openblas.CblasTrans : openblas.CblasNoTrans;
        if (k == 0) {
            // BLAS with k = 0 only scales C; do it explicitly so beta = 0 also clears NaNs.
            Tensor.wrap(c, dev.lethe.tensor.Backends.cpu(), type, new int[] {m, n}, new int[] {ldc, 1}, cOff)
                    .mul_(beta);
            return;
        }
        if (type == DType.FLOAT32) {
            FloatPointer pa = new FloatPointer(a.storage.pointer()).position(a.offset);
            FloatPointer pb = new FloatPointer(b.storage.pointer()).position(b.offset);
            FloatPointer pc = new FloatPointer(c.pointer()).position(cOff);
            openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k, (float) alpha, pa, a.ld, pb, b.ld,
                    (float) beta, pc, ldc);
        } else {
            DoublePointer pa = new DoublePointer(a.storage.pointer()).position(a.offset);
            DoublePointer pb = new DoublePointer(b.storage.pointer()).position(b.offset);
            DoublePointer pc = new DoublePointer(c.pointer()).position(cOff);
            openblas.cblas_dgemm(openblas.CblasRowMajor, ta, tb, m, n, k, alpha, pa, a.ld, pb, b.ld, beta, pc, ldc);
        }
    }

    /** Batched product with broadcast batch dimensions; out is contiguous [batch..., M, N]. */
    static void matmul(Tensor a, Tensor b, Tensor out) {
        int[] os = out.shape();
        int rank = os.length;
        int m = os[rank - 2];
        int n = os[rank - 1];
        int k = a.shape()[a.rank() - 1];
        Tensor am = asBlasMatrices(a);
        Tensor bm = asBlasMatrices(b);
        Tensor c = out.isContiguous() ? out : Tensor.empty(out.dtype(), os);
        int[] batchShape = java.util.Arrays.copyOf(os, rank - 2);
        int[] aStr = batchStrides(am, batchShape);
        int[] bStr = batchStrides(bm, batchShape);
        int[] cStr = batchStrides(c, batchShape);
        Runs batches = new Runs(batchShape, cStr, aStr, bStr);
        Operand ao = operand(am);
        Operand bo = operand(bm);
        HostStorage cs = (HostStorage) c.storage();
        batches.forRange(0, batches.numel(), new int[] {c.offset(), am.offset(), bm.offset()}, Integer.MAX_VALUE, (o, len) -> {
            int sc = batches.innerStride(0);
            int sa = batches.innerStride(1);
            int sb = batches.innerStride(2);
            for (int i = 0; i < len; i++) {
                gemm(out.dtype(), m, n, k, 1.0,
                        new Operand(ao.storage, o[1] + i * sa, ao.trans, ao.ld),
                        new Operand(bo.storage, o[2] + i * sb, bo.trans, bo.ld),
                        0.0, cs, o[0] + i * sc, n);
            }
        });
        if (c != out) {
            out.copyFrom_(c);
            c.close();
        }
    }

    /** The tensor itself when its matrices are BLAS-addressable, else a contiguous copy. */
    private static Tensor asBlasMatrices(Tensor t) {
        return operandOrNull(t) != null ? t : t.copy();
    }

    private static Operand operand(Tensor t) {
        Operand o = operandOrNull(t);
        if (o == null) {
            throw new IllegalStateException("not a BLAS matrix layout");
        }
        return o;
    }

    private static Operand operandOrNull(Tensor t) {
        MatrixLayout m = MatrixLayout.of(t.shape(), t.strides());
        return m == null ? null : new Operand((HostStorage) t.storage(), t.offset(), m.transposed(), m.ld());
    }

    private static int[] batchStrides(Tensor t, int[] batchShape) {
        int[] s = t.shape();
        int[] st = t.strides();
        int lead = batchShape.length - (s.length - 2);
        int[] out = new int[batchShape.length];
        for (int i = 0; i < batchShape.length; i++) {
            int j = i - lead;
            out[i] = j < 0 || s[j] == 1 ? 0 : st[j];
        }
        return out;
    }

    /** Fails unless every element op(X)[r][c] of an rows×cols operand lies inside its storage. */
    private static void checkSpan(Operand o, int rows, int cols, DType type, String name) {
        int storedRows = o.trans ? cols : rows;
        int storedCols = o.trans ? rows : cols;
        if (o.ld < Math.max(1, storedCols) || o.offset < 0) {
            throw new IllegalArgumentException("gemm operand " + name + ": leading dimension " + o.ld
                    + " is smaller than its " + storedCols + " columns");
        }
        long last = o.offset + (long) (storedRows - 1) * o.ld + storedCols;
        if (storedRows > 0 && storedCols > 0 && last * type.byteSize() > o.storage.byteSize()) {
            throw new IllegalArgumentException("gemm operand " + name + " (" + storedRows + "x" + storedCols
                    + ", ld " + o.ld + ", offset " + o.offset + ") runs past its storage of "
                    + o.storage.byteSize() + " bytes");
        }
    }
}
