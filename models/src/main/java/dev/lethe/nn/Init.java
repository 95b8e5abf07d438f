package dev.lethe.nn;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Parameter initialisations of PyTorch, torchvision and timm, drawn from a {@link Philox}
 * stream so that a seed fixes a model bit for bit. Every result is a new float32 tensor.
 */
public final class Init {
    private Init() {
    }

    /**
     * Fan-in of a weight [out, in, k...]: {@code in · Πk} (PyTorch's
     * {@code _calculate_fan_in_and_fan_out}).
     */
    public static int fanIn(int[] shape) {
        return shape[1] * receptiveField(shape);
    }

    /** Fan-out of a weight [out, in, k...]: {@code out · Πk}. */
    public static int fanOut(int[] shape) {
        return shape[0] * receptiveField(shape);
    }

    private static int receptiveField(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan in/out needs a weight of rank >= 2, got shape "
                    + Shape.str(shape));
        }
        int receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return receptive;
    }

    /** U(−bound, bound). */
    public static Tensor uniform(Philox rng, double bound, int... shape) {
        double[] v = new double[Shape.numel(shape)];
        rng.uniformFloats(v);
        for (int i = 0; i < v.length; i++) {
            v[i] = bound * (2 * v[i] - 1);
        }
        return Tensor.fromDoubles(v, DType.FLOAT32, shape);
    }

    /** N(0, std²). */
    public static Tensor normal(Philox rng, double std, int... shape) {
        double[] v = new double[Shape.numel(shape)];
        rng.normals(v);
        for (int i = 0; i < v.length; i++) {
            v[i] *= std;
        }
        return Tensor.fromDoubles(v, DType.FLOAT32, shape);
    }

    /**
     * N(0, std²) restricted to [lo, hi] (absolute bounds, as timm's {@code trunc_normal_(std=.02,
     * a=-2, b=2)}): values outside are redrawn from the same stream (rejection sampling), which
     * samples the truncated distribution exactly.
     */
    public static Tensor truncatedNormal(Philox rng, double std, double lo, double hi, int... shape) {
        if (!(lo < hi) || !(std > 0)) {
            throw new IllegalArgumentException("truncated normal needs std > 0 and lo < hi, got std " + std
                    + " and [" + lo + ", " + hi + "]");
        }
        double[] v = new double[Shape.numel(shape)];
        double[] draw = new double[Math.max(v.length, 4)];
        int filled = 0;
        while (filled < v.length) {
            rng.normals(draw);
            for (int i = 0; i < draw.length && filled < v.length; i++) {
                double x = std * draw[i];
                if (x >= lo && x <= hi) {
                    v[filled++] = x;
                }
            }
        }
        return Tensor.fromDoubles(v, DType.FLOAT32, shape);
    }

    /**
     * PyTorch's default for Linear and Conv2d weights, {@code kaiming_uniform_(a=√5)}: gain
     * √(2/(1+a²)) = √(1/3), bound = gain·√(3/fan_in) = 1/√fan_in.
     */
    public static Tensor defaultWeight(Philox rng, int... shape) {
        return uniform(rng, 1.0 / Math.sqrt(fanIn(shape)), shape);
    }

    /** PyTorch's default bias of a Linear or Conv2d layer with weight shape {@code weightShape}: U(±1/√fan_in). */
    public static Tensor defaultBias(Philox rng, int[] weightShape) {
        int fanIn = fanIn(weightShape);
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
        return uniform(rng, bound, weightShape[0]);
    }

    /**
     * {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")} (He et al. 2015, eq. 10 applied
     * to the backward pass): N(0, 2/fan_out), torchvision's ResNet convolution init.
     */
    public static Tensor kaimingNormalFanOut(Philox rng, int... shape) {
        return normal(rng, Math.sqrt(2.0 / fanOut(shape)), shape);
    }
}
