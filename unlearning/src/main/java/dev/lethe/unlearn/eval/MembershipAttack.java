package dev.lethe.unlearn.eval;

import libsvm.OneFeatureSvc;
import libsvm.svm;
import libsvm.svm_model;

/**
 * A trained membership-inference attack: LIBSVM's two-class model on one feature (the
 * probability a model gives a sample's true label) that says "member" where its decision
 * function {@code f(x) = Σ_i α_i y_i K(s_i, x) − ρ} favours the member class. It predicts
 * exactly as {@code svm_predict} does: f is evaluated through {@link DecisionSeries} in O(K)
 * operations, and LIBSVM's {@code svm_predict_values} decides wherever |f| is within the
 * series' error bound of 0, so no sign can differ from LIBSVM's.
 */
public final class MembershipAttack {
    private final svm_model model;
    private final int memberLabel;
    private final DecisionSeries series;

    /**
     * @param model       the model LIBSVM trained, on one feature
     * @param memberLabel the label the members were given
     */
    MembershipAttack(svm_model model, int memberLabel) {
        if (model.nr_class != 2 || model.sv_coef.length != 1) {
            throw new IllegalArgumentException("a membership attack is a two-class model, got " + model.nr_class
                    + " classes");
        }
        this.model = model;
        this.memberLabel = memberLabel;
        this.series = new DecisionSeries(supportVectors(), coefficients(), rho(), model.param.gamma);
    }

    /**
     * LIBSVM's decision value at {@code confidence} ({@code svm_predict_values}), oriented so that
     * a positive value means "member": Σ_i α_i y_i K(s_i, x) − ρ with y = +1 for members.
     */
    public double decisionValue(double confidence) {
        return orientation() * libsvmDecisionValue(confidence);
    }

    /**
     * Whether the attack says {@code confidence} belongs to a training member: the answer
     * {@code svm_predict} gives.
     */
    public boolean isMember(double confidence) {
        double f;
        if (confidence >= 0 && confidence <= 1) {
            f = series.value(confidence);
            if (Math.abs(f) <= series.bound()) {
                f = libsvmDecisionValue(confidence);
            }
        } else {
            f = libsvmDecisionValue(confidence);
        }
        // svm_predict: label[0] when f > 0, label[1] otherwise (f = 0 included).
        int label = f > 0 ? model.label[0] : model.label[1];
        return label == memberLabel;
    }

    /** The fraction of {@code confidences} the attack calls non-members, in [0, 1] (NaN for none). */
    public double nonMemberFraction(double[] confidences) {
        int nonMembers = 0;
        for (double v : confidences) {
            if (!isMember(v)) {
                nonMembers++;
            }
        }
        return confidences.length == 0 ? Double.NaN : (double) nonMembers / confidences.length;
    }

    /** The support vectors s_i (feature values), in LIBSVM's order. */
    public double[] supportVectors() {
        double[] s = new double[model.l];
        for (int i = 0; i < model.l; i++) {
            s[i] = model.SV[i][0].value;
        }
        return s;
    }

    /** LIBSVM's coefficients α_i·y_i of the support vectors, in its orientation (y = +1 for {@code label[0]}). */
    public double[] coefficients() {
        return model.sv_coef[0].clone();
    }

    /** LIBSVM's ρ, in its orientation. */
    public double rho() {
        return model.rho[0];
    }

    /** +1 when LIBSVM's positive class is the members (they came first in training), else −1. */
    public int orientation() {
        return model.label[0] == memberLabel ? 1 : -1;
    }

    /** The RBF kernel's γ. */
    public double gamma() {
        return model.param.gamma;
    }

    /** The number of support vectors. */
    public int supportVectorCount() {
        return model.l;
    }

    /** The LIBSVM model itself. */
    public svm_model model() {
        return model;
    }

    private double libsvmDecisionValue(double confidence) {
        double[] value = new double[1];
        svm.svm_predict_values(model, OneFeatureSvc.node(confidence), value);
        return value[0];
    }
}
