package libsvm;

/**
 * {@link svm#svm_train} for the one case the membership-inference attack needs — a two-class
 * C-SVC with the RBF kernel on a single feature — running LIBSVM's own {@code Solver} (SMO with
 * second-order working-set selection and shrinking) on {@link OneFeatureSvcQ}, which hands the
 * Solver the same Q entries as LIBSVM's {@code SVC_Q}, only faster. The returned model is the
 * one {@code svm_train} returns for the same problem and parameters: same support vectors, in
 * the same order, same coefficients and ρ, bit for bit (a test checks this), and it predicts
 * through {@link svm#svm_predict_values} like any other.
 *
 * <p>The steps mirror {@code svm_train}: classes are numbered in order of first appearance
 * ({@code svm_group_classes}; the first class gets y = +1 in the dual), both get the weight C
 * (no per-class weights), {@code solve_c_svc} starts from α = 0 with p = −1, and the support
 * vectors (α ≠ 0) of the first class precede those of the second.
 */
@SuppressWarnings("auxiliaryclass") // Solver is declared in LIBSVM's svm.java
public final class OneFeatureSvc {
    /** The budget of the row cache in {@link OneFeatureSvcQ}, in MB (the column cache takes {@code cache_size}). */
    private static final double ROW_CACHE_MB = 64;

    static {
        // LIBSVM prints its progress to stdout unless told otherwise; stdout belongs to the caller.
        svm.svm_set_print_string_function(s -> { });
    }

    private OneFeatureSvc() {
    }

    /**
     * Trains a C-SVC on the points {@code x[i]} with labels {@code labels[i]} (two distinct
     * values); {@code param} must ask for C_SVC with the RBF kernel and no probability model.
     *
     * @throws IllegalArgumentException when the sizes differ, a feature is not finite, the
     *                                  labels are not exactly two classes, or LIBSVM's
     *                                  {@code svm_check_parameter} rejects the parameters
     */
    public static svm_model train(double[] x, double[] labels, svm_parameter param) {
        int l = x.length;
        if (labels.length != l) {
            throw new IllegalArgumentException(l + " features but " + labels.length + " labels");
        }
        if (param.svm_type != svm_parameter.C_SVC || param.kernel_type != svm_parameter.RBF
                || param.probability != 0 || param.nr_weight != 0) {
            throw new IllegalArgumentException("only C_SVC with the RBF kernel, without probability estimates or "
                    + "class weights, is supported");
        }
        svm_problem problem = problem(x, labels);
        String problemText = svm.svm_check_parameter(problem, param);
        if (problemText != null) {
            throw new IllegalArgumentException("LIBSVM rejects the parameters: " + problemText);
        }
        int first = (int) labels[0];
        int second = first;
        for (double v : labels) {
            if ((int) v != first) {
                if (second != first && (int) v != second) {
                    throw new IllegalArgumentException("expected two classes, found at least " + first + ", " + second
                            + " and " + (int) v);
                }
                second = (int) v;
            }
        }
        if (second == first) {
            throw new IllegalArgumentException("the training data holds only class " + first + "; two are needed");
        }
        if (first == -1 && second == 1) {
            // svm_group_classes puts +1 first for −1/+1 labels.
            first = 1;
            second = -1;
        }

        // svm_group_classes: the first class's samples, then the second's, each in input order.
        int[] perm = new int[l];
        int count0 = 0;
        for (int i = 0; i < l; i++) {
            if ((int) labels[i] == first) {
                perm[count0++] = i;
            }
        }
        int k = count0;
        for (int i = 0; i < l; i++) {
            if ((int) labels[i] != first) {
                perm[k++] = i;
            }
        }
        double[] grouped = new double[l];
        byte[] y = new byte[l];
        for (int i = 0; i < l; i++) {
            grouped[i] = x[perm[i]];
            y[i] = (byte) (i < count0 ? 1 : -1);
        }

        // solve_c_svc
        double[] alpha = new double[l];
        double[] minusOnes = new double[l];
        java.util.Arrays.fill(minusOnes, -1);
        Solver.SolutionInfo si = new Solver.SolutionInfo();
        new Solver().Solve(l, new OneFeatureSvcQ(grouped, y, param.gamma, param.cache_size, ROW_CACHE_MB),
                minusOnes, y, alpha, param.C, param.C, param.eps, si, param.shrinking);
        for (int i = 0; i < l; i++) {
            alpha[i] *= y[i];
        }

        // the model, as svm_train builds it for two classes
        svm_model model = new svm_model();
        model.param = param;
        model.nr_class = 2;
        model.label = new int[] {first, second};
        model.rho = new double[] {si.rho};
        model.probA = null;
        model.probB = null;
        model.prob_density_marks = null;
        int nSv0 = 0;
        int total = 0;
        for (int i = 0; i < l; i++) {
            if (Math.abs(alpha[i]) > 0) {
                total++;
                if (i < count0) {
                    nSv0++;
                }
            }
        }
        model.nSV = new int[] {nSv0, total - nSv0};
        model.l = total;
        model.SV = new svm_node[total][];
        model.sv_indices = new int[total];
        model.sv_coef = new double[][] {new double[total]};
        int p = 0;
        for (int i = 0; i < l; i++) {
            if (Math.abs(alpha[i]) > 0) {
                model.SV[p] = problem.x[perm[i]];
                model.sv_indices[p] = perm[i] + 1;
                model.sv_coef[0][p] = alpha[i];
                p++;
            }
        }
        return model;
    }

    /** The LIBSVM problem of one feature (node index 1) per sample. */
    public static svm_problem problem(double[] x, double[] labels) {
        svm_problem problem = new svm_problem();
        problem.l = x.length;
        problem.y = labels.clone();
        problem.x = new svm_node[x.length][];
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("feature " + i + " is " + x[i] + "; LIBSVM needs finite values");
            }
            problem.x[i] = node(x[i]);
        }
        return problem;
    }

    /** One sample of the single feature, as LIBSVM reads it. */
    public static svm_node[] node(double value) {
        svm_node node = new svm_node();
        node.index = 1;
        node.value = value;
        return new svm_node[] {node};
    }
}
