package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Pool2dSpec;

/**
 * The window walk shared by the fixed-window pooling kernels; their shape rules are
 * {@link dev.lethe.tensor.PoolingRules}.
 */
final class PoolWindows {
    private PoolWindows() {
    }

    /** One output position and the in-bounds rows [hs, he) and columns [ws, we) of its window. */
    @FunctionalInterface
    interface Window {
        void visit(int out, int hs, int he, int ws, int we);
    }

    /**
     * Visits every output position of an {@code oh × ow} plane over an {@code h × w} input in
     * row-major order, with its window clipped to the input: padding contributes nothing (max
     * pooling treats it as −∞, average pooling as zeros counted in the divisor).
     */
    static void forEach(Pool2dSpec spec, int h, int w, int oh, int ow, Window body) {
        for (int i = 0; i < oh; i++) {
            int top = i * spec.strideH() - spec.padH();
            int hs = Math.max(top, 0);
            int he = Math.min(top + spec.kernelH(), h);
            for (int j = 0; j < ow; j++) {
                int left = j * spec.strideW() - spec.padW();
                body.visit(i * ow + j, hs, he, Math.max(left, 0), Math.min(left + spec.kernelW(), w));
            }
        }
    }
}
