package dev.lethe.tensor.cpu;

import dev.lethe.tensor.PoolingRules;
import dev.lethe.tensor.Tensor;

/**
 * PyTorch's adaptive average pooling: output cell (i, j) of an outH×outW grid averages input
 * rows [⌊i·H/outH⌋, ⌈(i+1)·H/outH⌉) and columns [⌊j·W/outW⌋, ⌈(j+1)·W/outW⌉), windows that may
 * overlap. Backward spreads each g over its window divided by the window's area.
 */
final class AdaptiveAvgPool2d {
    private AdaptiveAvgPool2d() {
    }

    static Tensor forward(Tensor x, int outH, int outW) {
        String op = "adaptiveAvgPool2d";
        Planes.requireNchw(x, "input", op);
        int h = x.size(2);
        int w = x.size(3);
        PoolingRules.requireAdaptive(h, w, outH, outW, op);
        return Planes.map(x, new int[] {x.size(0), x.size(1), outH, outW}, (plane, in, res) -> {
            for (int i = 0; i < outH; i++) {
                int hs = start(i, h, outH);
                int he = end(i, h, outH);
                for (int j = 0; j < outW; j++) {
                    int ws = start(j, w, outW);
                    int we = end(j, w, outW);
                    double sum = 0;
                    for (int r = hs; r < he; r++) {
                        for (int c = ws; c < we; c++) {
                            sum += in[r * w + c];
                        }
                    }
                    res[i * outW + j] = sum / ((he - hs) * (we - ws));
                }
            }
        });
    }

    static Tensor backward(Tensor gradOut, int[] inputShape) {
        String op = "adaptiveAvgPool2dBackward";
        Planes.requireNchw(gradOut, "gradOut", op);
        PoolingRules.requireInputShape(inputShape, gradOut, op);
        PoolingRules.requireOutputGrid(gradOut, op);
        int h = inputShape[2];
        int w = inputShape[3];
        int outH = gradOut.size(2);
        int outW = gradOut.size(3);
        return Planes.map(gradOut, inputShape, (plane, g, res) -> {
            for (int i = 0; i < outH; i++) {
                int hs = start(i, h, outH);
                int he = end(i, h, outH);
                for (int j = 0; j < outW; j++) {
                    int ws = start(j, w, outW);
                    int we = end(j, w, outW);
                    double share = g[i * outW + j] / ((he - hs) * (we - ws));
                    for (int r = hs; r < he; r++) {
                        for (int c = ws; c < we; c++) {
                            res[r * w + c] += share;
                        }
                    }
                }
            }
        });
    }

    /** ⌊i·in/out⌋. */
    static int start(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    /** ⌈(i+1)·in/out⌉. */
    static int end(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }
}
