package dev.lethe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class IndexingTest {
    private static final int[] SHAPE = {4, 5, 3};

    private static int[] coords(int flat, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = flat % shape[d];
            flat /= shape[d];
        }
        return c;
    }

    private static int flat(int[] c, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + c[d];
        }
        return f;
    }

    /** An index of {@code shape} with values in [0, size) (int64). */
    private static Tensor randomIndex(long seed, int size, int... shape) {
        return Tensor.randint(new Philox(seed), 0, size, shape);
    }

    @Test
    void gatherMatchesReferenceOnEveryAxis() {
        for (DType t : DType.values()) {
            Tensor x = NnChecks.randn(1, DType.FLOAT64, SHAPE).mul(10.0).to(t);
            double[] xv = x.toDoubleArray();
            for (int axis = 0; axis < 3; axis++) {
                int[] ishape = {3, 4, 2};
                ishape[axis] = 6; // longer than x along the axis: allowed
                Tensor index = randomIndex(axis, SHAPE[axis], ishape);
                long[] iv = index.toLongArray();
                double[] want = new double[iv.length];
                for (int i = 0; i < iv.length; i++) {
                    int[] c = coords(i, ishape);
                    c[axis] = (int) iv[i];
                    want[i] = xv[flat(c, SHAPE)];
                }
                assertArrayEquals(want, Indexing.gather(x, axis, index).toDoubleArray(), t + " axis " + axis);
                assertArrayEquals(want, Indexing.gather(NnChecks.nonContiguous(x), axis, index.to(DType.INT32))
                        .toDoubleArray(), "non-contiguous, int32 index");
                assertArrayEquals(want, x.gather(axis - 3, NnChecks.nonContiguous(index)).toDoubleArray(), "via Tensor");
            }
        }
    }

    @Test
    void indexSelectMatchesReference() {
        Tensor x = NnChecks.randn(2, DType.FLOAT32, SHAPE);
        double[] xv = x.toDoubleArray();
        for (int axis = 0; axis < 3; axis++) {
            Tensor index = randomIndex(10 + axis, SHAPE[axis], 7);
            long[] iv = index.toLongArray();
            int[] oshape = SHAPE.clone();
            oshape[axis] = 7;
            double[] want = new double[Shape.numel(oshape)];
            for (int i = 0; i < want.length; i++) {
                int[] c = coords(i, oshape);
                c[axis] = (int) iv[c[axis]];
                want[i] = xv[flat(c, SHAPE)];
            }
            Tensor got = Indexing.indexSelect(NnChecks.nonContiguous(x), axis, index.to(DType.INT32));
            assertArrayEquals(oshape, got.shape());
            assertArrayEquals(want, got.toDoubleArray(), "axis " + axis);
            assertArrayEquals(want, x.indexSelect(axis, index.slice(0, 0, 7, 1)).toDoubleArray());
        }
    }

    @Test
    void scatterAddAccumulatesDuplicates() {
        for (DType t : DType.values()) {
            for (int axis = 0; axis < 3; axis++) {
                int[] ishape = {2, 3, 2};
                ishape[axis] = 7; // many duplicates along the axis
                Tensor index = randomIndex(20 + axis, SHAPE[axis], ishape);
                Tensor src = NnChecks.randn(3, DType.FLOAT64, 7, 7, 7).mul(10.0).to(t);
                Tensor out0 = NnChecks.randn(4, DType.FLOAT64, SHAPE).mul(10.0).to(t);
                double[] want = out0.toDoubleArray();
                double[] sv = src.toDoubleArray();
                long[] iv = index.toLongArray();
                for (int i = 0; i < iv.length; i++) {
                    int[] c = coords(i, ishape);
                    double v = sv[flat(c, new int[] {7, 7, 7})];
                    c[axis] = (int) iv[i];
                    want[flat(c, SHAPE)] += v;
                }
                Tensor out = NnChecks.nonContiguous(out0.copy());
                Indexing.scatterAdd(out, axis, index, NnChecks.nonContiguous(src));
                double tol = t.isFloating() ? NnChecks.tol(t, false) : 0;
                NnChecks.assertClose(out, want, tol, t + " axis " + axis);
                Tensor out2 = out0.copy().scatterAdd_(axis, index.to(DType.INT32), src);
                NnChecks.assertClose(out2, want, tol, "via Tensor");
            }
        }
    }

    @Test
    void indexAddAccumulatesSlices() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            for (int axis = 0; axis < 3; axis++) {
                Tensor index = Tensor.of(new long[] {1, 0, 1, 1, SHAPE[axis] - 1}, 5);
                int[] sshape = SHAPE.clone();
                sshape[axis] = 5;
                Tensor src = NnChecks.randn(5, DType.FLOAT64, sshape).mul(10.0).to(t);
                Tensor out0 = NnChecks.randn(6, DType.FLOAT64, SHAPE).mul(10.0).to(t);
                double[] want = out0.toDoubleArray();
                double[] sv = src.toDoubleArray();
                for (int i = 0; i < sv.length; i++) {
                    int[] c = coords(i, sshape);
                    c[axis] = (int) index.toLongArray()[c[axis]];
                    want[flat(c, SHAPE)] += sv[i];
                }
                Tensor out = NnChecks.nonContiguous(out0.copy());
                Indexing.indexAdd(out, axis, index, NnChecks.nonContiguous(src));
                double tol = t.isFloating() ? NnChecks.tol(t, false) : 0;
                NnChecks.assertClose(out, want, tol, t + " axis " + axis);
                NnChecks.assertClose(out0.copy().indexAdd_(axis, index.to(DType.INT32), src), want, tol, "via Tensor");
            }
        }
    }

    @Test
    void badArgumentsNeverTouchMemory() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 3, 4);
        assertThrows(IndexOutOfBoundsException.class, () -> Indexing.gather(x, 1, Tensor.of(new long[] {0, 4, 0}, 3, 1)));
        assertThrows(IndexOutOfBoundsException.class, () -> Indexing.gather(x, 1, Tensor.of(new long[] {-1, 0, 0}, 3, 1)));
        assertThrows(IllegalArgumentException.class, () -> Indexing.gather(x, 1, Tensor.of(new float[] {0, 0, 0}, 3, 1)));
        assertThrows(IllegalArgumentException.class, () -> Indexing.gather(x, 1, Tensor.of(new long[] {0, 0, 0}, 3)));
        assertThrows(IllegalArgumentException.class, () -> Indexing.gather(x, 1, Tensor.zeros(DType.INT64, 4, 1)));
        assertThrows(IndexOutOfBoundsException.class, () -> Indexing.indexSelect(x, 0, Tensor.of(new long[] {3}, 1)));
        assertThrows(IllegalArgumentException.class, () -> Indexing.indexSelect(x, 0, Tensor.zeros(DType.INT64, 1, 1)));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.scatterAdd(x, 0, Tensor.of(new long[] {5}, 1, 1), Tensor.zeros(DType.FLOAT32, 1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(x, 0, Tensor.of(new long[] {0, 0}, 2, 1), Tensor.zeros(DType.FLOAT32, 1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Indexing.scatterAdd(x, 0, Tensor.of(new long[] {0}, 1, 1), Tensor.zeros(DType.FLOAT64, 1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Indexing.indexAdd(x, 0, Tensor.of(new long[] {0}, 1), Tensor.zeros(DType.FLOAT32, 2, 4)));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.indexAdd(x, 1, Tensor.of(new long[] {4}, 1), Tensor.zeros(DType.FLOAT32, 3, 1)));
        assertArrayEquals(new float[12], x.toFloatArray(), "failed calls left the tensor untouched");
    }
}
