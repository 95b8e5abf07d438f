package dev.lethe.tensor.cpu;

import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Every CPU elementwise operation through one driver: operands are broadcast to the output's
 * shape, walked as {@link Runs}, loaded chunk by chunk into {@code double[]} arrays
 * ({@link Lanes}), transformed by the op's chunk kernel, and stored back. The output's element
 * range is split across {@link CpuThreads}.
 */
final class Elementwise {
    /** Below this many elements a loop runs on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private Elementwise() {
    }

    /** What to do with the loaded input chunks; {@code in[k]} holds operand k+1, result goes to {@code out}. */
    @FunctionalInterface
    private interface ChunkKernel {
        void apply(double[][] in, double[] out, int n);
    }

    /** The same in float32, used when every operand is float32 (twice the SIMD lanes, no conversions). */
    @FunctionalInterface
    private interface FloatChunkKernel {
        void apply(float[][] in, float[] out, int n);
    }

    static void unary(UnaryOp op, Tensor x, Tensor out) {
        run(out, new Tensor[] {x}, (in, y, n) -> op.applyChunk(in[0], y, n), (in, y, n) -> op.applyChunk(in[0], y, n));
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        run(out, new Tensor[] {a, b}, (in, y, n) -> op.applyChunk(in[0], in[1], y, n),
                (in, y, n) -> op.applyChunk(in[0], in[1], y, n));
    }

    static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        run(out, new Tensor[] {cond, a, b}, (in, y, n) -> {
            double[] c = in[0];
            double[] p = in[1];
            double[] q = in[2];
            for (int i = 0; i < n; i++) {
                y[i] = c[i] != 0 ? p[i] : q[i];
            }
        }, (in, y, n) -> {
            float[] c = in[0];
            float[] p = in[1];
            float[] q = in[2];
            for (int i = 0; i < n; i++) {
                y[i] = c[i] != 0 ? p[i] : q[i];
            }
        });
    }

    static void fill(Tensor out, double value) {
        run(out, new Tensor[0], (in, y, n) -> java.util.Arrays.fill(y, 0, n, value),
                (in, y, n) -> java.util.Arrays.fill(y, 0, n, (float) value));
    }

    /**
     * Copies src (same shape as dst) into dst. Equal dtypes copy bits (exact for int64 too),
     * contiguous runs in bulk; different dtypes convert through the chunk path.
     */
    static void copy(Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype()) {
            run(dst, new Tensor[] {src}, (in, y, n) -> System.arraycopy(in[0], 0, y, 0, n), null);
            return;
        }
        Runs runs = new Runs(dst.shape(), dst.strides(), broadcastStrides(src, dst.shape()));
        HostStorage ds = (HostStorage) dst.storage();
        HostStorage ss = (HostStorage) src.storage();
        int[] base = {dst.offset(), src.offset()};
        int dStride = runs.innerStride(0);
        int sStride = runs.innerStride(1);
        boolean wide = dst.dtype().byteSize() == 8;
        CpuThreads.parallelFor(toInt(runs.numel()), GRAIN, (s, e) -> {
            if (wide) {
                LongBuffer d = ds.longs();
                LongBuffer from = ss.longs();
                runs.forRange(s, e, base, Integer.MAX_VALUE, (o, n) -> {
                    if (dStride == 1 && sStride == 1) {
                        d.put(o[0], from, o[1], n);
                    } else {
                        for (int i = 0; i < n; i++) {
                            d.put(o[0] + i * dStride, from.get(o[1] + i * sStride));
                        }
                    }
                });
            } else {
                IntBuffer d = ds.ints();
                IntBuffer from = ss.ints();
                runs.forRange(s, e, base, Integer.MAX_VALUE, (o, n) -> {
                    if (dStride == 1 && sStride == 1) {
                        d.put(o[0], from, o[1], n);
                    } else {
                        for (int i = 0; i < n; i++) {
                            d.put(o[0] + i * dStride, from.get(o[1] + i * sStride));
                        }
                    }
                });
            }
        });
    }

    private static void run(Tensor out, Tensor[] inputs, ChunkKernel kernel, FloatChunkKernel floatKernel) {
        int[] shape = out.shape();
        int[][] strides = new int[inputs.length + 1][];
        strides[0] = out.strides();
        for (int k = 0; k < inputs.length; k++) {
            strides[k + 1] = broadcastStrides(inputs[k], shape);
        }
        Runs runs = new Runs(shape, strides);
        int[] base = new int[inputs.length + 1];
        HostStorage[] st = new HostStorage[inputs.length + 1];
        DType[] types = new DType[inputs.length + 1];
        int[] inner = new int[inputs.length + 1];
        base[0] = out.offset();
        st[0] = (HostStorage) out.storage();
        types[0] = out.dtype();
        inner[0] = runs.innerStride(0);
        for (int k = 0; k < inputs.length; k++) {
            base[k + 1] = inputs[k].offset();
            st[k + 1] = (HostStorage) inputs[k].storage();
            types[k + 1] = inputs[k].dtype();
            inner[k + 1] = runs.innerStride(k + 1);
        }
        boolean allFloat = floatKernel != null;
        for (DType t : types) {
            allFloat &= t == DType.FLOAT32;
        }
        if (allFloat) {
            CpuThreads.parallelFor(toInt(runs.numel()), GRAIN, (s, e) -> {
                float[][] in = new float[inputs.length][Lanes.CHUNK];
                float[] y = new float[Lanes.CHUNK];
                runs.forRange(s, e, base, Lanes.CHUNK, (o, n) -> {
                    for (int k = 0; k < in.length; k++) {
                        Lanes.load(st[k + 1], o[k + 1], inner[k + 1], in[k], n);
                    }
                    floatKernel.apply(in, y, n);
                    Lanes.store(st[0], o[0], inner[0], y, n);
                });
            });
            return;
        }
        CpuThreads.parallelFor(toInt(runs.numel()), GRAIN, (s, e) -> {
            Lanes lanes = new Lanes();
            double[][] in = new double[inputs.length][Lanes.CHUNK];
            double[] y = new double[Lanes.CHUNK];
            runs.forRange(s, e, base, Lanes.CHUNK, (o, n) -> {
                for (int k = 0; k < in.length; k++) {
                    lanes.load(st[k + 1], types[k + 1], o[k + 1], inner[k + 1], in[k], n);
                }
                kernel.apply(in, y, n);
                lanes.store(st[0], types[0], o[0], inner[0], y, n);
            });
        });
    }

    /** Strides of {@code t} viewed at {@code shape} under NumPy broadcasting (0 on broadcast dims). */
    static int[] broadcastStrides(Tensor t, int[] shape) {
        int[] ts = t.shape();
        int[] tst = t.strides();
        int lead = shape.length - ts.length;
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) {
                out[i] = 0;
            } else {
                int d = ts[i - lead];
                if (d != shape[i] && d != 1) {
                    throw new IllegalArgumentException("shape " + java.util.Arrays.toString(ts)
                            + " does not broadcast to " + java.util.Arrays.toString(shape));
                }
                out[i] = d == shape[i] ? tst[i - lead] : 0;
            }
        }
        return out;
    }

    static int toInt(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many elements: " + n);
        }
        return (int) n;
    }
}
