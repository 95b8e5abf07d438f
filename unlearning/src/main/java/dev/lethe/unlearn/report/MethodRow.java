package dev.lethe.unlearn.report;

import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.eval.Scores;

/**
 * One row of a report's table: one method's unlearned model measured against retraining.
 *
 * @param method      the method's name ({@code retrain}, {@code ssd}, ...)
 * @param scores      the unlearned model's metrics (UNLEARNING.md, Metrics)
 * @param rteSeconds  RTE: wall-clock seconds of the unlearning call alone
 * @param averageGap  Avg. gap to the retrained model's scores ({@link Scores#averageGap}); 0 for
 *                    retrain itself
 * @param klToRetrain mean KL(p_retrain ‖ p_unlearned) over D_f
 *                    ({@link dev.lethe.unlearn.eval.Divergence}); 0 for retrain itself, NaN if
 *                    not measured
 * @param record      what the unlearning call reported (passes, parameters changed, method
 *                    statistics), or null when there is none
 */
public record MethodRow(String method, Scores scores, double rteSeconds, double averageGap, double klToRetrain,
                        UnlearningRecord record) {
    /** The name of the gold-standard method whose row leads every table. */
    public static final String RETRAIN = "retrain";

    /** Checks that the row names its method and has scores. */
    public MethodRow {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("a report row needs a method name");
        }
        if (scores == null) {
            throw new IllegalArgumentException("the row of " + method + " has no scores");
        }
    }

    /**
     * The row of a method from its record and scores: RTE from the record, the average gap and
     * the KL divergence measured against retraining.
     */
    public static MethodRow of(UnlearningRecord record, Scores scores, Scores retrain, double klToRetrain) {
        return new MethodRow(record.method(), scores, record.seconds(), scores.averageGap(retrain), klToRetrain,
                record);
    }

    /** Whether this is the retraining row. */
    public boolean isRetrain() {
        return RETRAIN.equals(method);
    }
}
