package dev.lethe.unlearn.eval;

import libsvm.OneFeatureSvc;
import libsvm.svm_parameter;

/**
 * MIA-efficacy (UNLEARNING.md, Metrics; the {@code SVC_MIA} "confidence" attack of Jia et al.
 * 2023, as SalUn reports it): an RBF C-SVC (C = 3, γ = 1, stopping tolerance 1e-3 — scikit-learn's
 * {@code SVC(C=3, gamma="auto", kernel="rbf")} on one feature) is trained on the probability the
 * model assigns the true label, members (label 1) = the first |D_t| samples of D_r in index
 * order, non-members (label 0) = D_t; the efficacy is 100 × the fraction of D_f it predicts to be
 * non-members — the higher, the less D_f looks like training data.
 *
 * <p>The solver is LIBSVM's (Java, 3.31): {@link OneFeatureSvc} runs its {@code Solver} on the
 * same Q matrix as {@code svm_train} and returns the same model bit for bit, faster; predictions
 * agree with {@code svm_predict} (see {@link MembershipAttack}).
 */
public final class MembershipInference {
    /** The C-SVC's C. */
    public static final double C = 3;
    /** The RBF kernel's γ: scikit-learn's {@code gamma="auto"}, 1 / (number of features). */
    public static final double GAMMA = 1;
    /** The solver's stopping tolerance (LIBSVM's {@code eps}, scikit-learn's {@code tol}). */
    public static final double TOLERANCE = 1e-3;
    /** LIBSVM's kernel-column cache, in MB; it changes the speed, never the result. */
    static final double CACHE_MB = 8;

    private static final int MEMBER = 1;
    private static final int NON_MEMBER = 0;

    private MembershipInference() {
    }

    /**
     * MIA-efficacy in percent: trains the attack on {@code memberConfidence} (label 1) and
     * {@code nonMemberConfidence} (label 0) and returns 100 × the fraction of
     * {@code forgetConfidence} it predicts to be non-members.
     *
     * @throws IllegalArgumentException when an array is empty or a value is not a probability in
     *                                  [0, 1] (naming the array and index)
     */
    public static double efficacy(double[] memberConfidence, double[] nonMemberConfidence, double[] forgetConfidence) {
        check("forget", forgetConfidence);
        return 100 * train(memberConfidence, nonMemberConfidence).nonMemberFraction(forgetConfidence);
    }

    /** The attack trained on members (label 1, first) and non-members (label 0). */
    public static MembershipAttack train(double[] memberConfidence, double[] nonMemberConfidence) {
        check("member", memberConfidence);
        check("non-member", nonMemberConfidence);
        int m = memberConfidence.length;
        int l = m + nonMemberConfidence.length;
        double[] x = new double[l];
        double[] y = new double[l];
        System.arraycopy(memberConfidence, 0, x, 0, m);
        System.arraycopy(nonMemberConfidence, 0, x, m, nonMemberConfidence.length);
        for (int i = 0; i < l; i++) {
            y[i] = i < m ? MEMBER : NON_MEMBER;
        }
        return new MembershipAttack(OneFeatureSvc.train(x, y, parameters()), MEMBER);
    }

    /** LIBSVM's parameters of the attack. */
    public static svm_parameter parameters() {
        svm_parameter p = new svm_parameter();
        p.svm_type = svm_parameter.C_SVC;
        p.kernel_type = svm_parameter.RBF;
        p.gamma = GAMMA;
        p.C = C;
        p.eps = TOLERANCE;
        p.cache_size = CACHE_MB;
        p.shrinking = 1;
        p.probability = 0;
        p.nr_weight = 0;
        p.weight_label = new int[0];
        p.weight = new double[0];
        return p;
    }

    private static void check(String name, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the " + name + " confidences are empty");
        }
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && values[i] <= 1)) {
                throw new IllegalArgumentException(name + " confidence " + i + " is " + values[i]
                        + "; a probability in [0, 1] is expected");
            }
        }
    }
}
