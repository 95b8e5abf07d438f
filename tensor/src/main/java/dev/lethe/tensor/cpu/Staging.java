package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;

/**
 * The few typed steps a data-movement kernel needs, over on-heap staging arrays of the tensor's
 * own element type ({@code float[]} for float32, {@code double[]} for float64): bulk transfer to
 * and from off-heap storage, strided gather and scatter-add inside arrays, adding a constant.
 * The convolution loops are written once against this vocabulary and keep float32 data in
 * float32 (no widening to double) so the JIT vectorises plain array loops and bulk copies.
 */
abstract class Staging {
    private static final Staging FLOATS = new Floats();
    private static final Staging DOUBLES = new Doubles();

    /** The staging of a float32 or float64 tensor. */
    static Staging of(DType t) {
        if (t == DType.FLOAT32) {
            return FLOATS;
        }
        if (t == DType.FLOAT64) {
            return DOUBLES;
        }
        throw new IllegalArgumentException("no staging for " + t);
    }

    /** A zeroed array of {@code n} elements. */
    abstract Object array(int n);

    /** {@code dst[dstOff .. +n) = storage[off .. +n)}. */
    abstract void load(HostStorage s, int off, Object dst, int dstOff, int n);

    /** {@code storage[off .. +n) = src[srcOff .. +n)}. */
    abstract void store(HostStorage s, int off, Object src, int srcOff, int n);

    /** {@code dst[dstOff + i] = src[srcOff + i·stride]} for i &lt; n. */
    abstract void gather(Object src, int srcOff, int stride, Object dst, int dstOff, int n);

    /** {@code dst[dstOff + i·stride] += src[srcOff + i]} for i &lt; n. */
    abstract void scatterAdd(Object src, int srcOff, Object dst, int dstOff, int stride, int n);

    /** {@code a[off + i] += v} for i &lt; n. */
    abstract void addConstant(Object a, int off, int n, double v);

    /** Sets {@code a[0 .. n)} to zero. */
    abstract void zero(Object a, int n);

    /**
     * Copies {@code n} elements of {@code elementBytes} bytes each between off-heap storages,
     * straight from memory to memory (no staging array; any element type).
     */
    static void move(HostStorage src, int srcOff, HostStorage dst, int dstOff, int n, int elementBytes) {
        dst.bytes().put(dstOff * elementBytes, src.bytes(), srcOff * elementBytes, n * elementBytes);
    }

    /** {@code dst[dstOff + i] = src[srcOff + i]} for i &lt; n (any element type). */
    final void copy(Object src, int srcOff, Object dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    private static final class Floats extends Staging {
        @Override
        Object array(int n) {
            return new float[n];
        }

        @Override
        void load(HostStorage s, int off, Object dst, int dstOff, int n) {
            s.floats().get(off, (float[]) dst, dstOff, n);
        }

        @Override
        void store(HostStorage s, int off, Object src, int srcOff, int n) {
            s.floats().put(off, (float[]) src, srcOff, n);
        }

        @Override
        void gather(Object src, int srcOff, int stride, Object dst, int dstOff, int n) {
            float[] a = (float[]) src;
            float[] b = (float[]) dst;
            for (int i = 0; i < n; i++) {
                b[dstOff + i] = a[srcOff + i * stride];
            }
        }

        @Override
        void scatterAdd(Object src, int srcOff, Object dst, int dstOff, int stride, int n) {
            float[] a = (float[]) src;
            float[] b = (float[]) dst;
            if (stride == 1) { // a separate loop the JIT can vectorise
                for (int i = 0; i < n; i++) {
                    b[dstOff + i] += a[srcOff + i];
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                b[dstOff + i * stride] += a[srcOff + i];
            }
        }

        @Override
        void addConstant(Object a, int off, int n, double v) {
            float[] x = (float[]) a;
            float f = (float) v;
            for (int i = off; i < off + n; i++) {
                x[i] += f;
            }
        }

        @Override
        void zero(Object a, int n) {
            java.util.Arrays.fill((float[]) a, 0, n, 0f);
        }
    }

    private static final class Doubles extends Staging {
        @Override
        Object array(int n) {
            return new double[n];
        }

        @Override
        void load(HostStorage s, int off, Object dst, int dstOff, int n) {
            s.doubles().get(off, (double[]) dst, dstOff, n);
        }

        @Override
        void store(HostStorage s, int off, Object src, int srcOff, int n) {
            s.doubles().put(off, (double[]) src, srcOff, n);
        }

        @Override
        void gather(Object src, int srcOff, int stride, Object dst, int dstOff, int n) {
            double[] a = (double[]) src;
            double[] b = (double[]) dst;
            for (int i = 0; i < n; i++) {
                b[dstOff + i] = a[srcOff + i * stride];
            }
        }

        @Override
        void scatterAdd(Object src, int srcOff, Object dst, int dstOff, int stride, int n) {
            double[] a = (double[]) src;
            double[] b = (double[]) dst;
            if (stride == 1) { // a separate loop the JIT can vectorise
                for (int i = 0; i < n; i++) {
                    b[dstOff + i] += a[srcOff + i];
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                b[dstOff + i * stride] += a[srcOff + i];
            }
        }

        @Override
        void addConstant(Object a, int off, int n, double v) {
            double[] x = (double[]) a;
            for (int i = off; i < off + n; i++) {
                x[i] += v;
            }
        }

        @Override
        void zero(Object a, int n) {
            java.util.Arrays.fill((double[]) a, 0, n, 0.0);
        }
    }
}
