package dev.lethe.unlearn.eval;

import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.unlearn.UnlearningRequest;

/**
 * One model measured on one request: its {@link Scores} and its predictions on D_f (what the
 * KL divergence to retraining compares). The model predicts D and D_t once each; D_f's
 * predictions are taken from those on D rather than computed again.
 *
 * @param scores UA, RA, TA, MIA-efficacy, per-class accuracy
 * @param forget the predictions on D_f, in increasing index order
 */
public record Measurement(Scores scores, Predictions forget) {
    /** Measures {@code classifier} (evaluation mode, batches of {@code batchSize}) on {@code request} and {@code test}. */
    public static Measurement of(Module classifier, UnlearningRequest request, Dataset test, int batchSize) {
        Predictions train = Predictions.of(classifier, request.data(), batchSize);
        Scores scores = Scores.of(request, train, Predictions.of(classifier, test, batchSize));
        return new Measurement(scores, train.subset(request.forget().indices()));
    }

    /** KL(p_reference ‖ p_this) averaged over D_f (see {@link Divergence#meanKl}). */
    public double klFrom(Measurement reference) {
        return Divergence.meanKl(reference.forget, forget);
    }
}
