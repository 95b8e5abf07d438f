package dev.lethe.autograd;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * Checks analytic gradients against central finite differences in float64.
 *
 * <p>The checked scalar is L = Σ f(inputs) ⊙ W with a fixed random weighting W (standard
 * normal from a Philox seed), so every output element takes part and errors cannot cancel.
 * The analytic gradient of L is one backward pass with seed W; the numeric one perturbs each
 * element of each input that requires a gradient by ±eps: (L(x+eps) − L(x−eps)) / 2eps.
 *
 * <p>Tolerances (defaults): eps = 1e-6, and an element passes when
 * |analytic − numeric| &le; atol + rtol·|numeric| with atol = 1e-7, rtol = 1e-5. Why they hold
 * for a correct rule: the truncation error of central differences is O(eps²·|L‴|) ≈ 1e-12 and
 * the rounding error about 1e-16·|L|/eps ≈ 1e-10·|L|, both far inside atol for the small
 * inputs of unit scale this is meant for. Functions must be deterministic (re-seed any random
 * generator inside {@code f}) and smooth within ±eps of the inputs: keep inputs away from
 * kinks and ties (ReLU at 0, equal candidates of a max).
 *
 * <pre>{@code
 * GradCheck.standard().check(in -> in[0].matmul(in[1]).relu(), a, b);   // throws AssertionError
 * }</pre>
 */
public final class GradCheck {
    /** Default finite-difference step. */
    public static final double DEFAULT_EPS = 1e-6;
    /** Default absolute tolerance. */
    public static final double DEFAULT_ATOL = 1e-7;
    /** Default relative tolerance (relative to the numeric gradient). */
    public static final double DEFAULT_RTOL = 1e-5;

    private final double eps;
    private final double atol;
    private final double rtol;
    private final long seed;

    /** The function under test: inputs in, one variable out. */
    @FunctionalInterface
    public interface Forward {
        /** Computes the output from the inputs (the same ones, in the order given to the check). */
        Variable apply(Variable[] inputs);
    }

    /**
     * The outcome: whether every element passed, and the worst element (largest
     * |difference| / tolerance): its input, index, analytic and numeric value.
     */
    public record Report(boolean passed, int input, int[] index, double analytic, double numeric,
                         int failures, long checked, String message) {
    }

    private GradCheck(double eps, double atol, double rtol, long seed) {
        if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("gradient check needs eps > 0 and non-negative tolerances, got eps "
                    + eps + ", atol " + atol + ", rtol " + rtol);
        }
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
        this.seed = seed;
    }

    /** A checker with the default eps and tolerances. */
    public static GradCheck standard() {
        return new GradCheck(DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, 0x6EC8L);
    }

    /** This checker with another finite-difference step. */
    public GradCheck eps(double value) {
        return new GradCheck(value, atol, rtol, seed);
    }

    /** This checker with other tolerances. */
    public GradCheck tolerance(double absolute, double relative) {
        return new GradCheck(eps, absolute, relative, seed);
    }

    /** This checker with another seed for the output weighting. */
    public GradCheck seed(long value) {
        return new GradCheck(eps, atol, rtol, value);
    }

    /** Runs the check and throws an {@link AssertionError} naming the worst element when it fails. */
    public void check(Forward f, Variable... inputs) {
        Report r = run(f, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.message());
        }
    }

    /**
     * Runs the check. Inputs that require a gradient must be float64 leaves without
     * overlapping elements; their {@link Variable#grad()} is cleared before and after.
     */
    public Report run(Forward f, Variable... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            checkInput(inputs[i], i);
            inputs[i].zeroGrad();
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor weights = analyticPass(f, inputs);
            double[][] analytic = new double[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad()) {
                    Tensor g = inputs[i].grad();
                    analytic[i] = g == null ? new double[inputs[i].numel()] : g.toDoubleArray();
                    inputs[i].zeroGrad();
                }
            }
            double l0 = loss(f, inputs, weights);
            double l1 = loss(f, inputs, weights);
            if (Double.doubleToLongBits(l0) != Double.doubleToLongBits(l1)) {
                throw new IllegalArgumentException("gradient check: the function is not deterministic (" + l0 + " then "
                        + l1 + "); re-seed random generators inside it");
            }
            return compare(f, inputs, weights, analytic);
        }
    }

    private static void checkInput(Variable v, int i) {
        if (!v.requiresGrad()) {
            return;
        }
        if (!v.isLeaf() || v.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("gradient check: input " + i + " must be a float64 leaf, got "
                    + v.dtype() + (v.isLeaf() ? "" : " made by " + v.gradFn().name()));
        }
        int[] shape = v.shape();
        int[] strides = v.value().strides();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] > 1 && strides[d] == 0) {
                throw new IllegalArgumentException("gradient check: input " + i + " of shape " + Shape.str(shape)
                        + " is an expanded view whose elements share memory; pass a copy");
            }
        }
    }

    /** One backward pass with the weighting as seed; returns the weighting. */
    private Tensor analyticPass(Forward f, Variable[] inputs) {
        Tensor weights;
        try (MemoryScope pass = MemoryScope.open()) {
            Variable y = f.apply(inputs);
            if (y.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("gradient check: the output is " + y.dtype()
                        + "; finite differences need float64 throughout");
            }
            weights = pass.keep(Tensor.randn(new Philox(seed), DType.FLOAT64, y.shape()));
            if (!y.requiresGrad()) {
                throw new IllegalArgumentException("gradient check: the output does not depend on any input that "
                        + "requires a gradient");
            }
            y.backward(weights);
        }
        return weights;
    }

    /** L = Σ f(inputs) ⊙ W, without recording. */
    private static double loss(Forward f, Variable[] inputs, Tensor weights) {
        try (MemoryScope s = MemoryScope.open(); NoGrad g = NoGrad.enter()) {
            return f.apply(inputs).value().mul(weights).sum().item();
        }
    }

    private Report compare(Forward f, Variable[] inputs, Tensor weights, double[][] analytic) {
        double worstExcess = -1;
        int worstInput = -1;
        int[] worstIndex = new int[0];
        double worstA = 0;
        double worstN = 0;
        int failures = 0;
        long checked = 0;
        for (int i = 0; i < inputs.length; i++) {
            if (analytic[i] == null) {
                continue;
            }
            Tensor x = inputs[i].value();
            int[] shape = x.shape();
            int[] index = new int[shape.length];
            for (int k = 0; k < analytic[i].length; k++) {
                unravel(k, shape, index);
                Tensor element = element(x, index);
                double original = element.item();
                element.fill_(original + eps);
                double plus = loss(f, inputs, weights);
                element.fill_(original - eps);
                double minus = loss(f, inputs, weights);
                element.fill_(original);
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic[i][k];
                double excess = Math.abs(a - numeric) / (atol + rtol * Math.abs(numeric));
                if (Double.isNaN(excess)) {
                    excess = Double.POSITIVE_INFINITY;
                }
                checked++;
                if (excess > 1) {
                    failures++;
                }
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worstInput = i;
                    worstIndex = index.clone();
                    worstA = a;
                    worstN = numeric;
                }
            }
        }
        boolean passed = failures == 0;
        String where = worstInput < 0 ? "no input requires a gradient"
                : "input " + worstInput + " of shape " + Shape.str(inputs[worstInput].shape()) + " at index "
                + Arrays.toString(worstIndex) + ": analytic " + worstA + ", numeric " + worstN + ", |difference| "
                + Math.abs(worstA - worstN);
        String message = (passed ? "gradient check passed (" + checked + " elements); worst element: "
                : "gradient check failed for " + failures + " of " + checked + " elements; worst is ") + where
                + " (tolerance atol " + atol + " + rtol " + rtol + "·|numeric|, eps " + eps + ")";
        return new Report(passed, worstInput, worstIndex, worstA, worstN, failures, checked, message);
    }

    private static void unravel(int flat, int[] shape, int[] index) {
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    /** A rank-0 view of one element (writes through to x). */
    private static Tensor element(Tensor x, int[] index) {
        Tensor t = x;
        for (int i : index) {
            t = t.select(0, i);
        }
        return t;
    }
}
