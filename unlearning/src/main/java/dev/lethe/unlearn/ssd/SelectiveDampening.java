package dev.lethe.unlearn.ssd;

import dev.lethe.autograd.Variable;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step 3 of SSD (UNLEARNING.md): the selection-and-dampening rule of Foster, Schoepf and
 * Brintrup, "Fast Machine Unlearning Without Retraining Through Selective Synaptic Dampening"
 * (AAAI 2024), section "Method": θ_i ← β·θ_i if []_{D_f,i} &gt; α·[]_{D,i}, else θ_i, with
 * β = min(λ·[]_{D,i} / []_{D_f,i}, 1) (the official {@code ssd.py, modify_weight}). Per scalar
 * parameter θ_i with importances I_D,i over the training data and I_f,i over the forget set:
 * <pre>
 *   selected  iff  I_f,i &gt; α·I_D,i                      (strict)
 *   θ_i ← min(λ·I_D,i / I_f,i, 1)·θ_i                      (selected ones only)
 * </pre>
 * The ratio is formed only for selected scalars, where I_f,i &gt; 0, so never 0/0; a selected
 * scalar with I_D,i = 0 becomes 0. The bound 1 keeps a weight from growing. The rule is
 * evaluated in double precision from the given importances, and each selected weight is rounded
 * once to its tensor's dtype; every other scalar, and every buffer, is left bit for bit as it
 * was.
 */
public final class SelectiveDampening {
    private final double alpha;
    private final double lambda;

    /**
     * The rule with selection threshold α and dampening constant λ, both &gt; 0 (else an
     * {@link InvalidHyperparameterException} naming the value).
     */
    public SelectiveDampening(double alpha, double lambda) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new InvalidHyperparameterException("alpha must be a finite number > 0, got " + alpha);
        }
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new InvalidHyperparameterException("lambda must be a finite number > 0, got " + lambda);
        }
        this.alpha = alpha;
        this.lambda = lambda;
    }

    /** α, the selection threshold. */
    public double alpha() {
        return alpha;
    }

    /** λ, the dampening constant. */
    public double lambda() {
        return lambda;
    }

    /** Whether a scalar with importances {@code iData} (I_D,i) and {@code iForget} (I_f,i) is selected: I_f,i &gt; α·I_D,i. */
    public boolean selects(double iData, double iForget) {
        return iForget > alpha * iData;
    }

    /** The factor min(λ·I_D,i / I_f,i, 1) a selected scalar is multiplied by. */
    public double factor(double iData, double iForget) {
        return Math.min(lambda * iData / iForget, 1.0);
    }

    /**
     * What {@link #apply} did.
     *
     * @param selected scalars selected, per parameter tensor in namedParameters() order
     * @param factors  the dampening factor of every selected scalar, in parameter order, then
     *                 flat index order
     * @param changed  scalars whose value differs from before (a selected scalar with factor 1,
     *                 or a zero one, is unchanged)
     */
    public record Outcome(Map<String, Long> selected, double[] factors, long changed) {
        /** Keeps read-only copies. */
        public Outcome {
            selected = Collections.unmodifiableMap(new LinkedHashMap<>(selected));
            factors = factors.clone();
        }

        /** Scalars selected over all parameters. */
        public long selectedTotal() {
            long n = 0;
            for (long c : selected.values()) {
                n += c;
            }
            return n;
        }

        /** A copy of the factors of the selected scalars. */
        @Override
        public double[] factors() {
            return factors.clone();
        }
    }

    /**
     * Dampens {@code model}'s parameters in place. Both maps must hold, for every parameter
     * name, a tensor of that parameter's shape (an IllegalArgumentException names the first that
     * does not); nothing is written before all are checked.
     */
    @SuppressWarnings("try") // the scope frees the staging tensor without being named
    public Outcome apply(Module model, Map<String, Tensor> importanceData, Map<String, Tensor> importanceForget) {
        LinkedHashMap<String, Variable> parameters = model.namedParameters();
        for (Map.Entry<String, Variable> e : parameters.entrySet()) {
            check(e.getKey(), e.getValue(), importanceData, "I_D");
            check(e.getKey(), e.getValue(), importanceForget, "I_f");
        }
        LinkedHashMap<String, Long> selected = new LinkedHashMap<>();
        double[] factors = new double[16];
        int count = 0;
        long changed = 0;
        for (Map.Entry<String, Variable> e : parameters.entrySet()) {
            Tensor value = e.getValue().value();
            FusedUpdates.Dampened fused = value.backend() instanceof FusedUpdates f
                    ? f.ssdDampen(value, importanceData.get(e.getKey()), importanceForget.get(e.getKey()), alpha, lambda)
                    : null;
            if (fused != null) { // the same rule in one device pass, in double as below
                double[] picked = fused.factors();
                if (count + picked.length > factors.length) {
                    factors = Arrays.copyOf(factors, Math.max(2 * factors.length, count + picked.length));
                }
                System.arraycopy(picked, 0, factors, count, picked.length);
                count += picked.length;
                changed += fused.changed();
                selected.put(e.getKey(), (long) picked.length);
                continue;
            }
            double[] data = importanceData.get(e.getKey()).toDoubleArray();
            double[] forget = importanceForget.get(e.getKey()).toDoubleArray();
            double[] theta = value.toDoubleArray();
            long hits = 0;
            for (int i = 0; i < theta.length; i++) {
                if (!selects(data[i], forget[i])) {
                    continue;
                }
                double f = factor(data[i], forget[i]);
                if (count == factors.length) {
                    factors = Arrays.copyOf(factors, 2 * count);
                }
                factors[count++] = f;
                hits++;
                double dampened = round(f * theta[i], value.dtype());
                if (Double.compare(dampened, theta[i]) != 0) {
                    changed++;
                    theta[i] = dampened;
                }
            }
            selected.put(e.getKey(), hits);
            if (hits > 0) {
                try (MemoryScope scope = MemoryScope.open()) {
                    // unselected scalars round-trip exactly through double, so rewriting the whole tensor keeps them
                    value.copyFrom_(Tensor.fromDoubles(theta, value.dtype(), value.shape()).to(value.device()));
                }
            }
        }
        return new Outcome(selected, Arrays.copyOf(factors, count), changed);
    }

    private static double round(double v, DType type) {
        return type == DType.FLOAT32 ? (float) v : v;
    }

    private static void check(String name, Variable p, Map<String, Tensor> importances, String what) {
        Tensor t = importances.get(name);
        if (t == null) {
            throw new IllegalArgumentException(what + " has no importance for parameter " + name + "; it has "
                    + importances.keySet());
        }
        if (!Arrays.equals(t.shape(), p.shape())) {
            throw new IllegalArgumentException(what + " of parameter " + name + " has shape " + Shape.str(t.shape())
                    + ", the parameter " + Shape.str(p.shape()));
        }
    }

    @Override
    public String toString() {
        return "SelectiveDampening(alpha=" + alpha + ", lambda=" + lambda + ")";
    }
}
