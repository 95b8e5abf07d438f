package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/** The window walk and the checks shared by the fixed-window pooling kernels. */
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

    /** Fails when the window does not fit the padded input (PyTorch: "Output size is too small"). */
    static void requireFits(Tensor x, Pool2dSpec spec, String op) {
        if (spec == null) {
            throw new IllegalArgumentException(op + ": pooling spec must not be null");
        }
        int h = x.size(2);
        int w = x.size(3);
        if (h + 2 * spec.padH() < spec.kernelH() || w + 2 * spec.padW() < spec.kernelW()) {
            throw new IllegalArgumentException(op + ": window " + spec.kernelH() + "x" + spec.kernelW()
                    + " is larger than the padded input " + (h + 2 * spec.padH()) + "x" + (w + 2 * spec.padW())
                    + " of shape " + Shape.str(x.shape()));
        }
    }

    /** Fails unless the input shape fits the spec and gradOut has the matching output shape. */
    static void requireBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec, String op) {
        Planes.requireInputShape(inputShape, gradOut, op);
        if (inputShape[2] + 2 * spec.padH() < spec.kernelH() || inputShape[3] + 2 * spec.padW() < spec.kernelW()) {
            throw new IllegalArgumentException(op + ": window " + spec.kernelH() + "x" + spec.kernelW()
                    + " is larger than the padded input of shape " + Shape.str(inputShape));
        }
        Planes.requireGradShape(gradOut, inputShape, spec.outH(inputShape[2]), spec.outW(inputShape[3]), op);
    }
}
