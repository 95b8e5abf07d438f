package libsvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OneFeatureSvc} returns the model {@link svm#svm_train} returns, bit for bit, on
 * problems shaped like the membership attack's: one feature, heavily overlapping classes, many
 * repeated values (float32 probabilities saturating at 1).
 */
class OneFeatureSvcTest {
    static {
        svm.svm_set_print_string_function(s -> { });
    }

    /** {@code n} probability-like values: a mass at and just below 1, the rest spread over [0, 1], as float32. */
    private static double[] confidences(Random rng, int n, double spread) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            double v = u < 0.4 ? 1.0 : u < 0.7 ? 1 - Math.pow(rng.nextDouble(), 8) * 1e-3 : Math.pow(rng.nextDouble(),
                    spread);
            x[i] = (float) v;
        }
        return x;
    }

    private static svm_parameter parameters(double cacheMb, int shrinking) {
        svm_parameter p = new svm_parameter();
        p.svm_type = svm_parameter.C_SVC;
        p.kernel_type = svm_parameter.RBF;
        p.gamma = 1;
        p.C = 3;
        p.eps = 1e-3;
        p.cache_size = cacheMb;
        p.shrinking = shrinking;
        p.weight_label = new int[0];
        p.weight = new double[0];
        return p;
    }

    private static void assertSameModel(svm_model expected, svm_model actual) {
        assertEquals(expected.nr_class, actual.nr_class, "classes");
        assertArrayEquals(expected.label, actual.label, "labels");
        assertArrayEquals(expected.nSV, actual.nSV, "support vectors per class");
        assertEquals(expected.l, actual.l, "support vectors");
        assertArrayEquals(expected.sv_indices, actual.sv_indices, "support vector indices");
        assertArrayEquals(expected.sv_coef[0], actual.sv_coef[0], 0.0, "coefficients, bit for bit");
        assertArrayEquals(expected.rho, actual.rho, 0.0, "rho, bit for bit");
        for (int i = 0; i < expected.l; i++) {
            assertEquals(expected.SV[i][0].value, actual.SV[i][0].value, 0.0, "support vector " + i);
        }
    }

    @Test
    void sameModelAsSvmTrain() {
        Random rng = new Random(7);
        int m = 1500;
        double[] x = new double[2 * m];
        double[] y = new double[2 * m];
        System.arraycopy(confidences(rng, m, 0.3), 0, x, 0, m);
        System.arraycopy(confidences(rng, m, 0.6), 0, x, m, m);
        for (int i = 0; i < m; i++) {
            y[i] = 1;
        }
        for (double cacheMb : new double[] {0.1, 32}) {
            for (int shrinking : new int[] {0, 1}) {
                svm_parameter p = parameters(cacheMb, shrinking);
                assertSameModel(svm.svm_train(OneFeatureSvc.problem(x, y), p), OneFeatureSvc.train(x, y, p));
            }
        }
    }

    @Test
    void classesInterleavedAndMinusOneFirst() {
        Random rng = new Random(11);
        int l = 1200;
        double[] x = confidences(rng, l, 0.5);
        double[] y = new double[l];
        for (int i = 0; i < l; i++) {
            y[i] = rng.nextDouble() < 0.5 ? -1 : 1;
        }
        y[0] = -1;
        svm_parameter p = parameters(8, 1);
        svm_model expected = svm.svm_train(OneFeatureSvc.problem(x, y), p);
        assertArrayEquals(new int[] {1, -1}, expected.label, "svm_train puts +1 first for -1/+1 labels");
        assertSameModel(expected, OneFeatureSvc.train(x, y, p));

        for (int i = 0; i < l; i++) {
            y[i] = y[i] > 0 ? 0 : 5;
        }
        assertSameModel(svm.svm_train(OneFeatureSvc.problem(x, y), p), OneFeatureSvc.train(x, y, p));
    }

    @Test
    void rejectsWhatItDoesNotImplement() {
        double[] x = {0.1, 0.9};
        assertThrows(IllegalArgumentException.class, () -> OneFeatureSvc.train(x, new double[] {1, 1},
                parameters(1, 1)), "one class");
        assertThrows(IllegalArgumentException.class, () -> OneFeatureSvc.train(new double[] {0.1, Double.NaN},
                new double[] {0, 1}, parameters(1, 1)), "NaN feature");
        svm_parameter linear = parameters(1, 1);
        linear.kernel_type = svm_parameter.LINEAR;
        assertThrows(IllegalArgumentException.class, () -> OneFeatureSvc.train(x, new double[] {0, 1}, linear));
        svm_parameter badC = parameters(1, 1);
        badC.C = 0;
        assertThrows(IllegalArgumentException.class, () -> OneFeatureSvc.train(x, new double[] {0, 1}, badC));
        assertThrows(IllegalArgumentException.class, () -> OneFeatureSvc.train(new double[] {0.1, 0.2, 0.3},
                new double[] {0, 1, 2}, parameters(1, 1)), "three classes");
    }
}
