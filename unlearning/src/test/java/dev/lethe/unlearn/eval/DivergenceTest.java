package dev.lethe.unlearn.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** KL(p_retrain ‖ p_unlearned) on distributions whose divergence is known in closed form. */
class DivergenceTest {
    /** Predictions whose softmax is exactly {@code p} per row (logits = log p; log 0 = −∞). */
    private static Predictions of(double[][] p, int[] labels) {
        double[] logits = new double[p.length * p[0].length];
        for (int i = 0; i < p.length; i++) {
            for (int c = 0; c < p[i].length; c++) {
                logits[i * p[i].length + c] = Math.log(p[i][c]);
            }
        }
        return Predictions.ofLogits(logits, labels, p[0].length);
    }

    @Test
    void knownDistributions() {
        int[] labels = {0, 2, 1};
        Predictions retrain = of(new double[][] {{0.5, 0.5, 0}, {0.2, 0.3, 0.5}, {0.1, 0.6, 0.3}}, labels);
        Predictions unlearned = of(new double[][] {{0.25, 0.25, 0.5}, {0.2, 0.3, 0.5}, {0.3, 0.3, 0.4}}, labels);
        // row 0: 2 · 0.5·ln(0.5/0.25) = ln 2 (the zero of p_r adds nothing); row 1: 0;
        // row 2: 0.1 ln(1/3) + 0.6 ln 2 + 0.3 ln(3/4)
        double row2 = 0.1 * Math.log(0.1 / 0.3) + 0.6 * Math.log(0.6 / 0.3) + 0.3 * Math.log(0.3 / 0.4);
        assertEquals((Math.log(2) + 0 + row2) / 3, Divergence.meanKl(retrain, unlearned), 1e-12);
        assertEquals(0.0, Divergence.meanKl(retrain, retrain), 0.0);
    }

    @Test
    void tinyProbabilitiesStayFinite() {
        // Logits 800 apart: the softmax underflows to 0 in float64, the log-probabilities do not.
        Predictions retrain = Predictions.ofLogits(new double[] {0, -800}, new int[] {0}, 2);
        Predictions unlearned = Predictions.ofLogits(new double[] {-800, 0}, new int[] {0}, 2);
        assertEquals(800.0, Divergence.meanKl(retrain, unlearned), 1e-9);
    }

    @Test
    void massWhereTheOtherHasNoneIsInfinite() {
        Predictions retrain = of(new double[][] {{0.5, 0.5}}, new int[] {0});
        Predictions unlearned = of(new double[][] {{1, 0}}, new int[] {0});
        assertTrue(Double.isInfinite(Divergence.meanKl(retrain, unlearned)));
        assertEquals(Math.log(2), Divergence.meanKl(unlearned, retrain), 1e-15);
    }

    @Test
    void refusesDifferentSamples() {
        Predictions a = of(new double[][] {{0.5, 0.5}}, new int[] {0});
        Predictions b = of(new double[][] {{0.5, 0.5}}, new int[] {1});
        assertThrows(IllegalArgumentException.class, () -> Divergence.meanKl(a, b));
        Predictions c = of(new double[][] {{0.5, 0.5}, {0.5, 0.5}}, new int[] {0, 0});
        assertThrows(IllegalArgumentException.class, () -> Divergence.meanKl(a, c));
    }
}
