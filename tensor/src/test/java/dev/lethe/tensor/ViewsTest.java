package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Random chains of view operations checked element by element against a reference model that
 * tracks, for each element of the view, which element of the base it reads (an index array
 * transformed by the same operations in plain Java).
 */
class ViewsTest {

    /** A plain row-major model: shape plus the base index of every element. */
    private record Model(int[] shape, int[] index) {
        int at(int[] idx) {
            int flat = 0;
            for (int i = 0; i < shape.length; i++) {
                flat = flat * shape[i] + idx[i];
            }
            return index[flat];
        }

        static Model build(int[] shape, java.util.function.Function<int[], Integer> f) {
            int n = Shape.numel(shape);
            int[] out = new int[n];
            int[] idx = new int[shape.length];
            for (int k = 0; k < n; k++) {
                int rem = k;
                for (int i = shape.length - 1; i >= 0; i--) {
                    idx[i] = rem % shape[i];
                    rem /= shape[i];
                }
                out[k] = f.apply(idx);
            }
            return new Model(shape, out);
        }
    }

    @Test
    void randomViewChainsReadTheRightElements() {
        Philox rng = new Philox(2024);
        double[] u = new double[64];
        for (int trial = 0; trial < 300; trial++) {
            rng.uniformDoubles(u);
            int k = 0;
            int[] shape = {2 + (int) (u[k++] * 3), 1 + (int) (u[k++] * 4), 2 + (int) (u[k++] * 3)};
            Tensor base = Tensor.arange(0, Shape.numel(shape), 1, DType.FLOAT64).view(shape);
            Tensor t = base;
            Model m = Model.build(shape, idx -> (idx[0] * shape[1] + idx[1]) * shape[2] + idx[2]);
            for (int step = 0; step < 4; step++) {
                int r = t.rank();
                double pick = u[k++];
                Model prev = m;
                if (pick < 0.2 && r >= 2) {
                    int a = (int) (u[k++] * r);
                    int b = (int) (u[k++] * r);
                    t = t.transpose(a, b);
                    int[] sh = prev.shape.clone();
                    sh[a] = prev.shape[b];
                    sh[b] = prev.shape[a];
                    m = Model.build(sh, idx -> {
                        int[] j = idx.clone();
                        j[a] = idx[b];
                        j[b] = idx[a];
                        return prev.at(j);
                    });
                } else if (pick < 0.4 && prev.shape[0] > 1) {
                    int len = 1 + (int) (u[k++] * (prev.shape[0] - 1));
                    int start = (int) (u[k++] * (prev.shape[0] - len + 1));
                    t = t.narrow(0, start, len);
                    int[] sh = prev.shape.clone();
                    sh[0] = len;
                    m = Model.build(sh, idx -> {
                        int[] j = idx.clone();
                        j[0] += start;
                        return prev.at(j);
                    });
                } else if (pick < 0.55 && r >= 2) {
                    int i = (int) (u[k++] * prev.shape[r - 1]);
                    t = t.select(r - 1, i);
                    int[] sh = java.util.Arrays.copyOf(prev.shape, r - 1);
                    m = Model.build(sh, idx -> {
                        int[] j = java.util.Arrays.copyOf(idx, r);
                        j[r - 1] = i;
                        return prev.at(j);
                    });
                } else if (pick < 0.7) {
                    // broadcast a new trailing dimension, then take one slice of it: the same elements
                    t = t.unsqueeze(r).expand(withLast(prev.shape, 3)).select(r, 2);
                    m = prev;
                } else if (pick < 0.85) {
                    t = t.reshape(Shape.numel(prev.shape));
                    m = new Model(new int[] {Shape.numel(prev.shape)}, flatten(prev));
                } else {
                    t = t.slice(0, 0, prev.shape[0], 2);
                    int[] sh = prev.shape.clone();
                    sh[0] = (prev.shape[0] + 1) / 2;
                    m = Model.build(sh, idx -> {
                        int[] j = idx.clone();
                        j[0] *= 2;
                        return prev.at(j);
                    });
                }
                assertArrayEquals(m.shape, t.shape(), "trial " + trial + " step " + step);
                double[] got = t.toDoubleArray();
                double[] want = new double[m.index.length];
                for (int i = 0; i < want.length; i++) {
                    want[i] = m.index[i];
                }
                assertArrayEquals(want, got, "trial " + trial + " step " + step);
                // contiguous() agrees with the view
                assertArrayEquals(want, t.contiguous().toDoubleArray());
            }
        }
    }

    private static int[] withLast(int[] shape, int last) {
        int[] s = java.util.Arrays.copyOf(shape, shape.length + 1);
        s[shape.length] = last;
        return s;
    }

    private static int[] flatten(Model m) {
        return m.index.clone();
    }

    @Test
    void viewFollowsPyTorchStrideRules() {
        Tensor x = Tensor.arange(0, 24, 1, DType.FLOAT32).view(2, 3, 4);
        Tensor t = x.transpose(0, 1); // [3, 2, 4], last dim still contiguous
        Tensor v = t.view(3, 2, 2, 2); // splitting a contiguous dim is a view
        assertSame(x.storage(), v.storage());
        assertEquals(x.get(1, 2, 3), v.get(2, 1, 1, 1));
        // merging dims 1 and 2 (strides 12 and 1) is not expressible as one stride
        assertThrows(IllegalArgumentException.class, () -> t.view(3, 8));
        Tensor copied = t.reshape(3, -1);
        assertArrayEquals(new int[] {3, 8}, copied.shape());
        assertEquals(x.get(1, 2, 3), copied.get(2, 7));
    }

    @Test
    void squeezeUnsqueezeFlattenRoundTrip() {
        Tensor x = Tensor.arange(0, 6, 1, DType.FLOAT32).view(1, 2, 1, 3);
        assertArrayEquals(new int[] {2, 3}, x.squeeze().shape());
        assertArrayEquals(new int[] {1, 2, 3}, x.squeeze(2).shape());
        assertArrayEquals(new int[] {2, 1, 3}, x.squeeze(0).shape());
        assertArrayEquals(new int[] {1, 2, 1, 3, 1}, x.unsqueeze(4).shape());
        assertArrayEquals(new int[] {1, 6}, x.flatten(1, 3).shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, x.flatten().toFloatArray());
    }
}
