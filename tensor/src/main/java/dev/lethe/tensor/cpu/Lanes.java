package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Moves one run of elements between off-heap storage and a {@code double[]} chunk, converting
 * the dtype. Contiguous float runs use the buffers' bulk get/put (a memory copy) plus a
 * vectorisable conversion loop over a {@code float[]} scratch array, instead of one buffer access
 * per element; broadcast runs (stride 0) load one value.
 */
final class Lanes {
    /** Elements per chunk: a few KB per array, so every pass over a chunk stays in L1. */
    static final int CHUNK = 1024;

    private final float[] floats = new float[CHUNK];

    /** Reads {@code n} elements from {@code s} at {@code off} with {@code stride} into {@code dst}. */
    void load(HostStorage s, DType t, int off, int stride, double[] dst, int n) {
        switch (t) {
            case FLOAT32: {
                FloatBuffer b = s.floats();
                if (stride == 1) {
                    b.get(off, floats, 0, n);
                    for (int i = 0; i < n; i++) {
                        dst[i] = floats[i];
                    }
                } else if (stride == 0) {
                    java.util.Arrays.fill(dst, 0, n, b.get(off));
                } else {
                    for (int i = 0; i < n; i++) {
                        dst[i] = b.get(off + i * stride);
                    }
                }
                break;
            }
            case FLOAT64: {
                DoubleBuffer b = s.doubles();
                if (stride == 1) {
                    b.get(off, dst, 0, n);
                } else if (stride == 0) {
                    java.util.Arrays.fill(dst, 0, n, b.get(off));
                } else {
                    for (int i = 0; i < n; i++) {
                        dst[i] = b.get(off + i * stride);
                    }
                }
                break;
            }
            case INT32: {
                IntBuffer b = s.ints();
                for (int i = 0; i < n; i++) {
                    dst[i] = b.get(off + i * stride);
                }
                break;
            }
            default: {
                LongBuffer b = s.longs();
                for (int i = 0; i < n; i++) {
                    dst[i] = b.get(off + i * stride);
                }
            }
        }
    }

    /** Reads {@code n} float32 elements from {@code s} at {@code off} with {@code stride} into {@code dst}. */
    static void load(HostStorage s, int off, int stride, float[] dst, int n) {
        FloatBuffer b = s.floats();
        if (stride == 1) {
            b.get(off, dst, 0, n);
        } else if (stride == 0) {
            java.util.Arrays.fill(dst, 0, n, b.get(off));
        } else {
            for (int i = 0; i < n; i++) {
                dst[i] = b.get(off + i * stride);
            }
        }
    }

    /** Writes {@code n} float32 elements of {@code src} to {@code s} at {@code off} with {@code stride}. */
    static void store(HostStorage s, int off, int stride, float[] src, int n) {
        FloatBuffer b = s.floats();
        if (stride == 1) {
            b.put(off, src, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                b.put(off + i * stride, src[i]);
            }
        }
    }

    /** Writes {@code n} elements of {@code src} to {@code s} at {@code off} with {@code stride}, rounding to the dtype. */
    void store(HostStorage s, DType t, int off, int stride, double[] src, int n) {
        switch (t) {
            case FLOAT32: {
                FloatBuffer b = s.floats();
                if (stride == 1) {
                    for (int i = 0; i < n; i++) {
                        floats[i] = (float) src[i];
                    }
                    b.put(off, floats, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        b.put(off + i * stride, (float) src[i]);
                    }
                }
                break;
            }
            case FLOAT64: {
                DoubleBuffer b = s.doubles();
                if (stride == 1) {
                    b.put(off, src, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        b.put(off + i * stride, src[i]);
                    }
                }
                break;
            }
            case INT32: {
                IntBuffer b = s.ints();
                for (int i = 0; i < n; i++) {
                    b.put(off + i * stride, (int) src[i]);
                }
                break;
            }
            default: {
                LongBuffer b = s.longs();
                for (int i = 0; i < n; i++) {
                    b.put(off + i * stride, (long) src[i]);
                }
            }
        }
    }
}
