package dev.lethe.unlearn.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.data.Dataset;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Scores of a hand-made classifier ({@link LogitsAsPixels}) whose every prediction is known:
 * accuracies on D_f, D_r and D_t, class-wise TA without the forgotten class, the attack's
 * training set, the average gap and the predictions themselves.
 */
class ScoresTest {
    /** A logit row that predicts {@code predicted} with margin {@code margin} over the other classes. */
    private static double[] row(int predicted, double margin) {
        double[] z = new double[3];
        z[predicted] = margin;
        return z;
    }

    /**
     * D: 16 samples of classes 0, 1, 2 (class 2 at indices 3, 7, 11, 15). Predictions: wrong at
     * indices 0 (class 0 → 1), 5 (class 1 → 0) and 7 (class 2 → 0).
     */
    private static Dataset training() {
        int[] labels = {0, 0, 1, 2, 0, 1, 1, 2, 0, 1, 0, 2, 1, 0, 1, 2};
        double[][] logits = new double[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            int predicted = i == 0 ? 1 : i == 5 ? 0 : i == 7 ? 0 : labels[i];
            logits[i] = row(predicted, 1 + 0.25 * i);
        }
        return LogitsAsPixels.data("train", logits, labels);
    }

    /** D_t: 6 samples, two per class; wrong: sample 1 (class 0), samples 4 and 5 (class 2 → 1, 0). */
    private static Dataset test() {
        int[] labels = {0, 0, 1, 1, 2, 2};
        int[] predicted = {0, 2, 1, 1, 1, 0};
        double[][] logits = new double[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            logits[i] = row(predicted[i], 0.5 + 0.3 * i);
        }
        return LogitsAsPixels.data("test", logits, labels);
    }

    @Test
    void classWiseForgetting() {
        Dataset train = training();
        Dataset test = test();
        UnlearningRequest request = UnlearningRequest.of(train, ForgetSet.of(new int[] {3, 7, 11, 15}, 16, "class:2"));
        Scores s = Scores.of(new LogitsAsPixels(), request, test, 5);

        assertEquals(75.0, s.forgetAccuracy(), 1e-12, "D_f: 3 of 4 class-2 samples right");
        assertEquals(25.0, s.unlearningAccuracy(), 1e-12);
        assertEquals(100.0 * 10 / 12, s.retainAccuracy(), 1e-12, "D_r: wrong at 0 and 5");
        assertEquals(75.0, s.testAccuracy(), 1e-12, "TA over classes 0 and 1 only: 3 of 4");
        assertEquals(0.0, s.forgottenClassTestAccuracy(), 1e-12, "class 2's test samples: none right");
        assertArrayEquals(new double[] {50, 100, 0}, s.perClassTestAccuracy(), 1e-12);

        // The attack: members are the first |D_t| = 6 samples of D_r (indices 0, 1, 2, 4, 5, 6).
        Predictions trainPredictions = Predictions.of(new LogitsAsPixels(), train, 16);
        Predictions testPredictions = Predictions.of(new LogitsAsPixels(), test, 16);
        double expected = MembershipInference.efficacy(
                trainPredictions.subset(new int[] {0, 1, 2, 4, 5, 6}).trueClassProbability(),
                testPredictions.trueClassProbability(),
                trainPredictions.subset(new int[] {3, 7, 11, 15}).trueClassProbability());
        assertEquals(expected, s.miaEfficacy(), 0.0);
    }

    @Test
    void randomForgettingKeepsEveryClassInTa() {
        UnlearningRequest request = UnlearningRequest.of(training(), ForgetSet.of(new int[] {0, 5, 6}, 16,
                "indices:0,5,6"));
        Scores s = Scores.of(new LogitsAsPixels(), request, test(), 4);
        assertEquals(100.0 / 3, s.forgetAccuracy(), 1e-12, "only index 6 of 0, 5, 6 is right");
        assertEquals(100.0 * 12 / 13, s.retainAccuracy(), 1e-12, "D_r: wrong only at 7");
        assertEquals(50.0, s.testAccuracy(), 1e-12, "all 6 test samples: 3 right");
        assertTrue(Double.isNaN(s.forgottenClassTestAccuracy()), "no class is forgotten whole");
        assertTrue(s.miaEfficacy() >= 0 && s.miaEfficacy() <= 100);
    }

    @Test
    void predictionsKnowTheirNumbers() {
        Predictions p = Predictions.of(new LogitsAsPixels(), test(), 4);
        assertArrayEquals(new int[] {0, 2, 1, 1, 1, 0}, p.predicted());
        assertEquals(50.0, p.accuracy(), 1e-12);
        // sample 0: logits (0.5, 0, 0) -> p(0) = e^0.5 / (e^0.5 + 2)
        double p0 = Math.exp(0.5) / (Math.exp(0.5) + 2);
        assertEquals(p0, p.probability(0, 0), 1e-15);
        assertEquals((float) p0, p.trueClassProbability()[0], 0.0, "the attack's feature is float32");
        assertEquals(1.0, p.probability(3, 0) + p.probability(3, 1) + p.probability(3, 2), 1e-15);
        assertEquals(3, p.subset(new int[] {5, 4, 0}).size());
        assertArrayEquals(new int[] {0, 1, 0}, p.subset(new int[] {5, 4, 0}).predicted());
        assertThrows(IndexOutOfBoundsException.class, () -> p.subset(new int[] {6}));
    }

    @Test
    void tiesGoToTheLowerClass() {
        Predictions p = Predictions.ofLogits(new double[] {1, 3, 3, Double.NaN, 0, 5}, new int[] {1, 2}, 3);
        assertArrayEquals(new int[] {1, 0}, p.predicted(), "first maximum; NaN counts as the maximum");
    }

    @Test
    void averageGapIsTheMeanOfFourAbsoluteDifferences() {
        Scores unlearned = new Scores(10, 90, 80, Double.NaN, 50, new double[] {1});
        Scores retrain = new Scores(0, 95, 85, Double.NaN, 100, new double[] {2});
        // |UA − UA_r| = |90 − 100| = 10, |RA − RA_r| = 5, |TA − TA_r| = 5, |MIA − MIA_r| = 50
        assertEquals(17.5, unlearned.averageGap(retrain), 1e-12);
        assertEquals(17.5, retrain.averageGap(unlearned), 1e-12);
        assertEquals(0.0, retrain.averageGap(retrain), 0.0);
        Scores noMia = new Scores(10, 90, 80, Double.NaN, Double.NaN, new double[0]);
        assertTrue(Double.isNaN(noMia.averageGap(retrain)));
    }

    @Test
    void perClassAccuraciesAreCopied() {
        double[] values = {1, 2};
        Scores s = new Scores(0, 0, 0, 0, 0, values);
        values[0] = 9;
        s.perClassTestAccuracy()[1] = 9;
        assertEquals(Arrays.toString(new double[] {1, 2}), Arrays.toString(s.perClassTestAccuracy()));
    }
}
