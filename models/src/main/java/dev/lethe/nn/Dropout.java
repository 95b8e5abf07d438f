package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;

/**
 * Inverted dropout: in training, zeroes each element with probability p (masks drawn from a
 * {@link Philox} stream, so a seed fixes them) and scales the rest by 1/(1−p); identity in
 * evaluation.
 */
public final class Dropout extends Module {
    private final double p;
    private Philox rng;

    /** Dropout with probability {@code p} drawing its masks from {@code rng}. */
    public Dropout(double p, Philox rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must lie in [0, 1], got " + p);
        }
        if (p > 0 && p < 1 && rng == null) {
            throw new IllegalArgumentException("dropout with p = " + p + " needs a random generator");
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Variable forward(Variable x) {
        return x.dropout(p, isTraining(), rng);
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    /** Replaces the stream the masks are drawn from (e.g. to reseed a training run). */
    public void generator(Philox generator) {
        this.rng = generator;
    }
}
