package dev.lethe.unlearn.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import libsvm.OneFeatureSvc;
import libsvm.svm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MIA-efficacy: the attack's arithmetic on data whose answer is known, its decision function
 * against a direct evaluation, its predictions against LIBSVM's {@code svm_predict}, and the
 * whole metric against scikit-learn's {@code SVC(C=3, gamma="auto")} on a real model's
 * confidences (reference/mia.safetensors).
 */
class MembershipInferenceTest {
    private static MiaReference reference;
    private static MembershipAttack small;

    @BeforeAll
    static void load() {
        reference = MiaReference.load();
        small = MembershipInference.train(Arrays.copyOf(reference.get("members"), 2000),
                Arrays.copyOf(reference.get("non_members"), 2000));
    }

    private static double[] uniform(Random rng, int n, double low, double high) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * rng.nextDouble();
        }
        return v;
    }

    @Test
    void separableConfidencesGiveTheKnownEfficacy() {
        Random rng = new Random(1);
        double[] members = uniform(rng, 300, 0.95, 1.0);
        double[] nonMembers = uniform(rng, 300, 0.05, 0.15);
        // 30 forget samples that look like members, 70 that look like non-members: 70% non-members.
        double[] forget = new double[100];
        System.arraycopy(uniform(rng, 30, 0.96, 1.0), 0, forget, 0, 30);
        System.arraycopy(uniform(rng, 70, 0.06, 0.14), 0, forget, 30, 70);
        assertEquals(70.0, MembershipInference.efficacy(members, nonMembers, forget), 0.0);
        assertEquals(0.0, MembershipInference.efficacy(members, nonMembers, members), 0.0, "members are members");
        assertEquals(100.0, MembershipInference.efficacy(members, nonMembers, nonMembers), 0.0);

        MembershipAttack attack = MembershipInference.train(members, nonMembers);
        assertTrue(attack.decisionValue(0.99) > 0 && attack.decisionValue(0.1) < 0,
                "positive decision values mean member");
        assertTrue(attack.isMember(1.0) && !attack.isMember(0.0));
    }

    @Test
    void decisionValuesEqualTheDecisionFunction() {
        double[] s = small.supportVectors();
        double[] c = small.coefficients();
        double gamma = small.gamma();
        assertEquals(MembershipInference.GAMMA, gamma);
        double worst = 0;
        double[] points = concat(grid(1001), Arrays.copyOf(reference.get("forget"), 500));
        for (double x : points) {
            // Σ_i α_i y_i K(s_i, x) − ρ, in LIBSVM's orientation, turned so that members are positive.
            double f = 0;
            for (int i = 0; i < s.length; i++) {
                f += c[i] * Math.exp(-gamma * (x - s[i]) * (x - s[i]));
            }
            f = small.orientation() * (f - small.rho());
            worst = Math.max(worst, Math.abs(small.decisionValue(x) - f));
        }
        assertTrue(worst <= 1e-9, "LIBSVM's decision values differ from the direct sum by " + worst);
    }

    @Test
    void predictionsEqualSvmPredictEverywhere() {
        double[] points = concat(grid(10_001), reference.get("forget"), Arrays.copyOf(reference.get("members"), 2000));
        // The points where LIBSVM's decision value changes sign, to the last bit, and their neighbours:
        // here the fast series is within its error bound of 0 and must defer to LIBSVM.
        double[] g = grid(2001);
        double[] nearBoundary = new double[0];
        for (int k = 1; k < g.length; k++) {
            if (Math.signum(small.decisionValue(g[k - 1])) != Math.signum(small.decisionValue(g[k]))) {
                double root = bisect(g[k - 1], g[k]);
                double[] around = new double[13];
                for (int d = -6; d <= 6; d++) {
                    around[d + 6] = root + d * Math.ulp(root);
                }
                nearBoundary = concat(nearBoundary, around);
            }
        }
        assertTrue(nearBoundary.length > 0, "the attack's decision changes sign somewhere in [0, 1]");
        points = concat(points, nearBoundary);
        int member = small.model().label[small.orientation() > 0 ? 0 : 1];
        for (double x : points) {
            boolean expected = svm.svm_predict(small.model(), OneFeatureSvc.node(x)) == member;
            assertEquals(expected, small.isMember(x), "prediction at " + x);
        }
    }

    @Test
    void seriesStaysWithinItsBound() {
        DecisionSeries series = new DecisionSeries(small.supportVectors(), small.coefficients(), small.rho(),
                small.gamma());
        double worst = 0;
        for (double x : grid(1001)) {
            double libsvm = small.orientation() * small.decisionValue(x);
            worst = Math.max(worst, Math.abs(series.value(x) - libsvm));
        }
        assertTrue(worst <= series.bound(), "series error " + worst + " exceeds its bound " + series.bound());
        assertTrue(series.bound() < 1e-6, "bound " + series.bound());
    }

    /**
     * The full-size attack on the reference MLP's confidences (10,000 members, 10,000 test
     * samples, 6,000 forget samples) agrees with scikit-learn's LIBSVM: the same number of support
     * vectors, decision values within the solvers' stopping tolerance, the same efficacy up to
     * forget samples that lie within that tolerance of the boundary.
     */
    @Test
    void agreesWithScikitLearn() {
        double[] members = reference.get("members");
        double[] nonMembers = reference.get("non_members");
        double[] forget = reference.get("forget");
        MembershipAttack attack = MembershipInference.train(members, nonMembers);
        assertEquals(Integer.parseInt(reference.metadata().get("support_vectors")), attack.supportVectorCount());

        double[] grid = reference.get("sklearn/grid");
        double[] decision = reference.get("sklearn/grid_decision");
        double worst = 0;
        for (int i = 0; i < grid.length; i++) {
            worst = Math.max(worst, Math.abs(attack.decisionValue(grid[i]) - decision[i]));
        }
        assertTrue(worst <= 5e-3, "decision values differ from scikit-learn's by up to " + worst);

        double[] predicted = reference.get("sklearn/forget_predicted");
        int differ = 0;
        for (int i = 0; i < forget.length; i++) {
            if (attack.isMember(forget[i]) != (predicted[i] == 1)) {
                differ++;
                assertTrue(Math.abs(attack.decisionValue(forget[i])) <= 5e-3, "forget sample " + i
                        + " is predicted differently at decision value " + attack.decisionValue(forget[i]));
            }
        }
        double efficacy = 100 * attack.nonMemberFraction(forget);
        double expected = Double.parseDouble(reference.metadata().get("efficacy"));
        assertEquals(expected, efficacy, 100.0 * differ / forget.length + 1e-9);
        assertTrue(differ <= 3, differ + " forget samples predicted differently");
    }

    @Test
    void rejectsWhatIsNotAProbability() {
        double[] ok = {0.2, 0.9};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MembershipInference.efficacy(new double[] {0.5, Double.NaN}, ok, ok));
        assertTrue(e.getMessage().contains("member confidence 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MembershipInference.efficacy(ok, ok,
                new double[] {1.5}));
        assertTrue(e.getMessage().contains("forget confidence 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MembershipInference.efficacy(ok, new double[0], ok));
    }

    private double bisect(double a, double b) {
        double fa = small.decisionValue(a);
        for (int i = 0; i < 80 && b - a > Math.ulp(a); i++) {
            double m = 0.5 * (a + b);
            double fm = small.decisionValue(m);
            if (Math.signum(fm) == Math.signum(fa)) {
                a = m;
                fa = fm;
            } else {
                b = m;
            }
        }
        return a;
    }

    private static double[] grid(int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = (double) i / (n - 1);
        }
        return g;
    }

    private static double[] concat(double[]... parts) {
        double[] out = new double[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int k = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }
}
