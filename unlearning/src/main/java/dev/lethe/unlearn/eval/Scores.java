package dev.lethe.unlearn.eval;

import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.Arrays;

/**
 * The metrics of one model for one unlearning request (UNLEARNING.md, Metrics), accuracies in
 * percent, all measured in evaluation mode without augmentation.
 *
 * @param forgetAccuracy             accuracy on D_f (UA = 100 − this)
 * @param retainAccuracy             RA, accuracy on D_r
 * @param testAccuracy               TA, accuracy on D_t; for class-wise forgetting on the test
 *                                   samples of the remaining classes only (NaN if none remain)
 * @param forgottenClassTestAccuracy accuracy on the test samples of the forgotten classes; NaN
 *                                   when no class is forgotten whole
 * @param miaEfficacy                MIA-efficacy ({@link MembershipInference}); NaN when a
 *                                   confidence is not a finite probability (a diverged model)
 * @param perClassTestAccuracy       accuracy on the test samples of each class (NaN for a class
 *                                   without test samples)
 */
public record Scores(double forgetAccuracy, double retainAccuracy, double testAccuracy,
                     double forgottenClassTestAccuracy, double miaEfficacy, double[] perClassTestAccuracy) {
    /** Keeps a copy of the per-class accuracies. */
    public Scores {
        perClassTestAccuracy = perClassTestAccuracy.clone();
    }

    /**
     * Scores {@code classifier} for {@code request}: predictions over the training set D (for
     * D_f, D_r and the attack's members) and over {@code test}, in batches of {@code batchSize}.
     */
    public static Scores of(Module classifier, UnlearningRequest request, Dataset test, int batchSize) {
        return of(request, Predictions.of(classifier, request.data(), batchSize),
                Predictions.of(classifier, test, batchSize));
    }

    /**
     * The scores from a model's predictions over the whole training set D of {@code request}
     * (file order) and over the test set.
     */
    public static Scores of(UnlearningRequest request, Predictions train, Predictions test) {
        if (train.size() != request.data().size()) {
            throw new IllegalArgumentException("the training predictions cover " + train.size() + " samples, but "
                    + request.data().source() + " has " + request.data().size());
        }
        int[] forget = request.forget().indices();
        int[] retain = request.forget().retainIndices();
        Predictions forgetPredictions = train.subset(forget);
        Predictions retainPredictions = train.subset(retain);

        boolean[] forgotten = new boolean[Math.max(request.data().numClasses(),
                Math.max(test.numClasses(), train.numClasses()))];
        int[] forgottenClasses = request.forgottenClasses();
        for (int c : forgottenClasses) {
            forgotten[c] = true;
        }
        boolean[] remaining = new boolean[forgotten.length];
        for (int c = 0; c < remaining.length; c++) {
            remaining[c] = !forgotten[c];
        }
        double testAccuracy = forgottenClasses.length == 0 ? test.accuracy() : test.accuracyOn(remaining);
        double forgottenTest = forgottenClasses.length == 0 ? Double.NaN : test.accuracyOn(forgotten);

        // The attack's members: the first |D_t| samples of D_r in index order (all of D_r when smaller).
        int members = Math.min(test.size(), retain.length);
        double[] memberConfidence = retainPredictions.subset(firstIndices(members)).trueClassProbability();
        double[] nonMemberConfidence = test.trueClassProbability();
        double[] forgetConfidence = forgetPredictions.trueClassProbability();
        double mia = allProbabilities(memberConfidence) && allProbabilities(nonMemberConfidence)
                && allProbabilities(forgetConfidence)
                ? MembershipInference.efficacy(memberConfidence, nonMemberConfidence, forgetConfidence)
                : Double.NaN;

        return new Scores(forgetPredictions.accuracy(), retainPredictions.accuracy(), testAccuracy, forgottenTest,
                mia, test.perClassAccuracy());
    }

    /** UA, the unlearning accuracy: 100 − accuracy on D_f. */
    public double unlearningAccuracy() {
        return 100 - forgetAccuracy;
    }

    /**
     * Avg. gap: the mean of |m − m_retrain| over UA, RA, TA and MIA-efficacy (NaN when one of
     * them is NaN on either side).
     */
    public double averageGap(Scores retrain) {
        return (Math.abs(unlearningAccuracy() - retrain.unlearningAccuracy())
                + Math.abs(retainAccuracy - retrain.retainAccuracy)
                + Math.abs(testAccuracy - retrain.testAccuracy)
                + Math.abs(miaEfficacy - retrain.miaEfficacy)) / 4;
    }

    @Override
    public double[] perClassTestAccuracy() {
        return perClassTestAccuracy.clone();
    }

    /** Equal when every metric is equal (NaN equal to NaN), the per-class accuracies compared by value. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Scores s && Double.compare(forgetAccuracy, s.forgetAccuracy) == 0
                && Double.compare(retainAccuracy, s.retainAccuracy) == 0
                && Double.compare(testAccuracy, s.testAccuracy) == 0
                && Double.compare(forgottenClassTestAccuracy, s.forgottenClassTestAccuracy) == 0
                && Double.compare(miaEfficacy, s.miaEfficacy) == 0
                && Arrays.equals(perClassTestAccuracy, s.perClassTestAccuracy);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(forgetAccuracy, retainAccuracy, testAccuracy, forgottenClassTestAccuracy,
                miaEfficacy, Arrays.hashCode(perClassTestAccuracy));
    }

    private static int[] firstIndices(int n) {
        int[] out = new int[n];
        Arrays.setAll(out, i -> i);
        return out;
    }

    private static boolean allProbabilities(double[] values) {
        for (double v : values) {
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
        }
        return values.length > 0;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "Scores(forget %.2f, retain %.2f, test %.2f, forgotten-class test %.2f, MIA %.2f)",
                forgetAccuracy, retainAccuracy, testAccuracy, forgottenClassTestAccuracy, miaEfficacy);
    }
}
