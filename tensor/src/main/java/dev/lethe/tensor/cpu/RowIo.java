package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Moves a strided run of any length between float32/float64 storage and a {@code double[]}
 * working array, converting the dtype: the one load/store step of the NN kernels, which compute
 * in double whatever the stored precision. Contiguous float32 runs go through a bulk copy into a
 * {@code float[]} scratch array and a vectorisable conversion loop (see {@link Lanes}). One
 * instance per thread.
 */
final class RowIo {
    private final float[] scratch = new float[Lanes.CHUNK];

    /** Reads {@code n} elements at {@code off}, {@code stride} apart, into {@code dst[dstOff ..]}. */
    void load(HostStorage s, DType t, int off, int stride, double[] dst, int dstOff, int n) {
        if (t == DType.FLOAT64) {
            DoubleBuffer b = s.doubles();
            if (stride == 1) {
                b.get(off, dst, dstOff, n);
            } else {
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = b.get(off + i * stride);
                }
            }
            return;
        }
        FloatBuffer b = s.floats();
        if (stride != 1) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = b.get(off + i * stride);
            }
            return;
        }
        for (int done = 0; done < n; done += Lanes.CHUNK) {
            int m = Math.min(Lanes.CHUNK, n - done);
            b.get(off + done, scratch, 0, m);
            int d = dstOff + done;
            for (int i = 0; i < m; i++) {
                dst[d + i] = scratch[i];
            }
        }
    }

    /** Writes {@code src[srcOff .. srcOff+n)} to {@code n} elements at {@code off}, {@code stride} apart. */
    void store(HostStorage s, DType t, int off, int stride, double[] src, int srcOff, int n) {
        if (t == DType.FLOAT64) {
            DoubleBuffer b = s.doubles();
            if (stride == 1) {
                b.put(off, src, srcOff, n);
            } else {
                for (int i = 0; i < n; i++) {
                    b.put(off + i * stride, src[srcOff + i]);
                }
            }
            return;
        }
        FloatBuffer b = s.floats();
        if (stride != 1) {
            for (int i = 0; i < n; i++) {
                b.put(off + i * stride, (float) src[srcOff + i]);
            }
            return;
        }
        for (int done = 0; done < n; done += Lanes.CHUNK) {
            int m = Math.min(Lanes.CHUNK, n - done);
            int d = srcOff + done;
            for (int i = 0; i < m; i++) {
                scratch[i] = (float) src[d + i];
            }
            b.put(off + done, scratch, 0, m);
        }
    }
}
