package dev.lethe.unlearn.baseline;

import dev.lethe.autograd.Variable;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningResult;
import java.util.Map;

/**
 * The bookkeeping of one unlearning call: its clock (started on construction), the working copy
 * a method changes (the original is never touched), and the record that closes the call.
 *
 * <p>The working copy carries no analytic head: a head is fitted to the features of the
 * original backbone, which fine-tuning changes, so it would no longer match.
 */
public final class UnlearningRun {
    private final long startNanos = System.nanoTime();
    private final TrainedModel original;

    /** Starts the clock of a call that unlearns from {@code original}. */
    public UnlearningRun(TrainedModel original) {
        this.original = original;
    }

    /** A deep copy of the original's network, recipe and seed, without an analytic head. */
    public TrainedModel workingCopy() {
        return original.withAnalytic(null).copy();
    }

    /**
     * Stops the clock and returns {@code unlearned} (put in evaluation mode) with the record:
     * {@code passes} over data (samples seen / |D|), the scalar parameters that differ from the
     * original's, and {@code statistics}.
     */
    public UnlearningResult finish(String method, TrainedModel unlearned, double passes,
                                   Map<String, Object> statistics) {
        unlearned.network().eval();
        long changed = parametersChanged(original.network(), unlearned.network());
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new UnlearningResult(unlearned, new UnlearningRecord(method, seconds, passes, changed, statistics));
    }

    /** The scalar parameters whose values differ between {@code a} and {@code b} (same architecture). */
    @SuppressWarnings("try") // the scope frees the comparisons without being named
    public static long parametersChanged(Module a, Module b) {
        Map<String, Variable> pb = b.namedParameters();
        long changed = 0;
        for (Map.Entry<String, Variable> p : a.namedParameters().entrySet()) {
            Variable q = pb.get(p.getKey());
            if (q == null) {
                throw new IllegalArgumentException("the models differ: " + p.getKey() + " is missing in the second");
            }
            try (MemoryScope scope = MemoryScope.open()) {
                changed += (long) p.getValue().value().ne(q.value()).to(DType.INT64).sum().item(); // exact past 2^24
            }
        }
        return changed;
    }
}
