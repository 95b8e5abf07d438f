package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.PoolingRules;
import dev.lethe.tensor.Tensor;
import java.nio.LongBuffer;

/**
 * 2-D max pooling as {@code torch.nn.functional.max_pool2d} (ceil_mode off, padding acting as
 * −∞): each output is the maximum of its window and remembers the flat position h·W + w of that
 * maximum within the input plane, the first one in row-major scan order (a NaN wins, as on
 * PyTorch's CPU). Backward adds each output gradient at its remembered position.
 */
final class MaxPool2d {
    private MaxPool2d() {
    }

    static Backend.Pooled forward(Tensor x, Pool2dSpec spec) {
        String op = "maxPool2d";
        Planes.requireNchw(x, "input", op);
        PoolingRules.requireFits(x, spec, op);
        int h = x.size(2);
        int w = x.size(3);
        int oh = spec.outH(h);
        int ow = spec.outW(w);
        int[] outShape = {x.size(0), x.size(1), oh, ow};
        Tensor indices = Tensor.empty(x.backend(), DType.INT64, outShape);
        LongBuffer ib = ((dev.lethe.tensor.HostStorage) indices.storage()).longs();
        Tensor out = Planes.map(x, outShape, (plane, in, res) -> {
            int base = plane * oh * ow;
            PoolWindows.forEach(spec, h, w, oh, ow, (o, hs, he, ws, we) -> {
                double best = Double.NEGATIVE_INFINITY;
                int arg = hs * w + ws;
                for (int r = hs; r < he; r++) {
                    for (int c = ws; c < we; c++) {
                        double v = in[r * w + c];
                        if (v > best || Double.isNaN(v)) {
                            best = v;
                            arg = r * w + c;
                        }
                    }
                }
                res[o] = best;
                ib.put(base + o, arg);
            });
        });
        return new Backend.Pooled(out, indices);
    }

    static Tensor backward(Tensor gradOut, Tensor indices, int[] inputShape) {
        String op = "maxPool2dBackward";
        Planes.requireNchw(gradOut, "gradOut", op);
        ArgChecks.requireHost(indices, "indices", op);
        PoolingRules.requireIndices(indices, gradOut, op);
        PoolingRules.requireInputShape(inputShape, gradOut, op);
        int planeSize = inputShape[2] * inputShape[3];
        int outSize = gradOut.size(2) * gradOut.size(3);
        try (Dense idx = Dense.of(indices)) {
            LongBuffer ib = idx.storage.longs();
            return Planes.map(gradOut, inputShape, (plane, g, res) -> {
                int base = idx.offset + plane * outSize;
                for (int o = 0; o < outSize; o++) {
                    long at = ib.get(base + o);
                    if (at < 0 || at >= planeSize) {
                        throw new IndexOutOfBoundsException(op + ": index " + at + " is outside the input plane of "
                                + planeSize + " elements");
                    }
                    res[(int) at] += g[o];
                }
            });
        }
    }
}
