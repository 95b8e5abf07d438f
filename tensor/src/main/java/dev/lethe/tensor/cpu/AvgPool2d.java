package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.PoolingRules;
import dev.lethe.tensor.Tensor;

/**
 * 2-D average pooling as {@code torch.nn.functional.avg_pool2d} with its defaults
 * (ceil_mode off, count_include_pad on): every window sums its in-bounds inputs and divides by
 * the full window area kh·kw, padding counting as zeros. Backward spreads g/(kh·kw) over the
 * in-bounds part of each window.
 */
final class AvgPool2d {
    private AvgPool2d() {
    }

    static Tensor forward(Tensor x, Pool2dSpec spec) {
        String op = "avgPool2d";
        Planes.requireNchw(x, "input", op);
        PoolingRules.requireFits(x, spec, op);
        int h = x.size(2);
        int w = x.size(3);
        int oh = spec.outH(h);
        int ow = spec.outW(w);
        double inv = 1.0 / (spec.kernelH() * spec.kernelW());
        return Planes.map(x, new int[] {x.size(0), x.size(1), oh, ow}, (plane, in, res) ->
                PoolWindows.forEach(spec, h, w, oh, ow, (o, hs, he, ws, we) -> {
                    double sum = 0;
                    for (int r = hs; r < he; r++) {
                        for (int c = ws; c < we; c++) {
                            sum += in[r * w + c];
                        }
                    }
                    res[o] = sum * inv;
                }));
    }

    static Tensor backward(Tensor gradOut, int[] inputShape, Pool2dSpec spec) {
        String op = "avgPool2dBackward";
        Planes.requireNchw(gradOut, "gradOut", op);
        PoolingRules.requireBackward(gradOut, inputShape, spec, op);
        int h = inputShape[2];
        int w = inputShape[3];
        int oh = gradOut.size(2);
        int ow = gradOut.size(3);
        double inv = 1.0 / (spec.kernelH() * spec.kernelW());
        return Planes.map(gradOut, inputShape, (plane, g, res) ->
                PoolWindows.forEach(spec, h, w, oh, ow, (o, hs, he, ws, we) -> {
                    double share = g[o] * inv;
                    for (int r = hs; r < he; r++) {
                        for (int c = ws; c < we; c++) {
                            res[r * w + c] += share;
                        }
                    }
                }));
    }
}
