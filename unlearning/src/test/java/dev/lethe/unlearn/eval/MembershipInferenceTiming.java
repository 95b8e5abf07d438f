package dev.lethe.unlearn.eval;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import libsvm.OneFeatureSvc;
import libsvm.svm;
import libsvm.svm_model;
import org.junit.jupiter.api.Test;

/**
 * The time of one MIA-efficacy evaluation at the demo's size — training on 10,000 members and
 * 10,000 non-members, predicting 6,000 and 54,000 forget samples — on the reference MLP's
 * confidences, wall-clock and CPU time of the calling thread. Off by default; run with
 * {@code -Dlethe.timing=mia} ({@code mia,stock} also times LIBSVM's own {@code svm_train} on the
 * same problem; {@code -Dlethe.timing.reps=N} repeats).
 */
class MembershipInferenceTiming {
    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @Test
    void report() {
        String which = System.getProperty("lethe.timing", "");
        if (!which.contains("mia")) {
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
        if (which.contains("stock")) {
            double[] x = new double[members.length + nonMembers.length];
            System.arraycopy(members, 0, x, 0, members.length);
            System.arraycopy(nonMembers, 0, x, members.length, nonMembers.length);
            double[] y = new double[x.length];
            Arrays.fill(y, 0, members.length, 1);
            long c0 = cpu();
            long t0 = System.nanoTime();
            svm_model m = svm.svm_train(OneFeatureSvc.problem(x, y), MembershipInference.parameters());
            System.out.printf(Locale.ROOT, "svm_train: %.3f s wall, %.3f s CPU (%d SVs)%n",
                    (System.nanoTime() - t0) / 1e9, (cpu() - c0) / 1e9, m.l);
        }
        for (int rep = 0; rep < Integer.getInteger("lethe.timing.reps", 3); rep++) {
            long c0 = cpu();
            long t0 = System.nanoTime();
            MembershipAttack attack = MembershipInference.train(members, nonMembers);
            long t1 = System.nanoTime();
            long c1 = cpu();
            double efficacy = 100 * attack.nonMemberFraction(forget);
            long t2 = System.nanoTime();
            attack.nonMemberFraction(large);
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "MIA: train %.3f s wall, %.3f s CPU (%d SVs); predict 6,000 in %.4f s, "
                    + "54,000 in %.4f s; efficacy %.4f (scikit-learn %s)%n", (t1 - t0) / 1e9, (c1 - c0) / 1e9,
                    attack.supportVectorCount(), (t2 - t1) / 1e9, (t3 - t2) / 1e9, efficacy,
                    ref.metadata().get("efficacy"));
        }
    }
}
