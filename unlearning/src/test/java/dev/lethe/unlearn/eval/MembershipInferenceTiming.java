package dev.lethe.unlearn.eval;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The time of one MIA-efficacy evaluation at the demo's size (10,000 members, 10,000
 * non-members; 6,000 and 54,000 forget samples), on the reference MLP's confidences. Off by
 * default; run with {@code -Dlethe.timing=mia}.
 */
class MembershipInferenceTiming {
    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @Test
    void report() {
        if (!System.getProperty("lethe.timing", "").contains("mia")) {
            return;
        }
        MiaReference ref = MiaReference.load();
        double[] members = ref.get("members");
        double[] nonMembers = ref.get("non_members");
        double[] forget = ref.get("forget");
        double[] large = new double[54_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = i % 2 == 0 ? members[i % members.length] : forget[i % forget.length];
        }
        if (System.getProperty("lethe.timing", "").contains("stock")) {
            double[] x = new double[members.length + nonMembers.length];
            double[] y = new double[x.length];
            System.arraycopy(members, 0, x, 0, members.length);
            System.arraycopy(nonMembers, 0, x, members.length, nonMembers.length);
            java.util.Arrays.fill(y, 0, members.length, 1);
            long c0 = cpu();
            long t0 = System.nanoTime();
            libsvm.svm_model m = libsvm.svm.svm_train(libsvm.OneFeatureSvc.problem(x, y), MembershipInference.parameters());
            System.out.printf(Locale.ROOT, "svm_train %.3f s wall, %.3f s CPU (%d SVs)%n", (System.nanoTime() - t0) / 1e9, (cpu() - c0) / 1e9, m.l);
        }
        for (int rep = 0; rep < Integer.getInteger("lethe.timing.reps", 3); rep++) {
            long c0 = cpu();
            long t0 = System.nanoTime();
            MembershipAttack attack = MembershipInference.train(members, nonMembers);
            long t1 = System.nanoTime();
            long c1 = cpu();
            double small = attack.nonMemberFraction(forget);
            long t2 = System.nanoTime();
            attack.nonMemberFraction(large);
            long t3 = System.nanoTime();
            double[] grid = ref.get("sklearn/grid");
            double[] dec = ref.get("sklearn/grid_decision");
            double worst = 0;
            for (int g = 0; g < grid.length; g++) {
                worst = Math.max(worst, Math.abs(attack.decisionValue(grid[g]) - dec[g]));
            }
            double[] pred = ref.get("sklearn/forget_predicted");
            int differ = 0;
            for (int i = 0; i < forget.length; i++) {
                if (attack.isMember(forget[i]) != (pred[i] == 1)) {
                    differ++;
                    System.out.printf(Locale.ROOT, "differs at %.9g: ours %.3e%n", forget[i], attack.decisionValue(forget[i]));
                }
            }
            System.out.printf(Locale.ROOT, "max |decision - sklearn| %.3e, rho %.12f vs intercept %.12f, %d differ%n", worst,
                    attack.rho(), ref.get("sklearn/intercept")[0], differ);
            System.out.printf(Locale.ROOT, "MIA: train %.3f s wall, %.3f s CPU (%d SVs), predict 6,000 %.3f s, 54,000 %.3f s; "
                    + "efficacy %.4f (scikit-learn %s)%n", (t1 - t0) / 1e9, (c1 - c0) / 1e9, attack.supportVectorCount(),
                    (t2 - t1) / 1e9, (t3 - t2) / 1e9, 100 * small, ref.metadata().get("efficacy"));
        }
    }
}
