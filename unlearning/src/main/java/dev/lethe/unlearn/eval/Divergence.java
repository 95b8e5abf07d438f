package dev.lethe.unlearn.eval;

/**
 * How far an unlearned model's output distribution is from the retrained one's on the forget set:
 * the mean over D_f of KL(p_retrain ‖ p_unlearned) (UNLEARNING.md, Metrics — the
 * indistinguishability view of Attribute-to-Delete: a perfect unlearner is a model whose outputs
 * cannot be told from retraining's).
 */
public final class Divergence {
    private Divergence() {
    }

    /**
     * (1/n) Σ_i Σ_c p_r(c|x_i)·(log p_r(c|x_i) − log p_u(c|x_i)), natural log, over the samples
     * both predictions hold (the same samples in the same order, normally D_f). Terms with
     * p_r = 0 contribute 0 (the limit of p·log p); the log-probabilities are float64 and finite
     * for finite logits, so no 0·log 0 or log 0 arises otherwise. NaN for an empty set.
     *
     * @throws IllegalArgumentException when the two differ in size, classes or labels
     */
    public static double meanKl(Predictions retrain, Predictions unlearned) {
        int n = retrain.size();
        int k = retrain.numClasses();
        if (unlearned.size() != n || unlearned.numClasses() != k) {
            throw new IllegalArgumentException("KL needs predictions of the same samples: retrain has " + n + " × " + k
                    + ", unlearned " + unlearned.size() + " × " + unlearned.numClasses());
        }
        if (!java.util.Arrays.equals(retrain.labels(), unlearned.labels())) {
            throw new IllegalArgumentException("KL needs predictions of the same samples, but their labels differ");
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double kl = 0;
            for (int c = 0; c < k; c++) {
                double logP = retrain.logProbability(i, c);
                double p = Math.exp(logP);
                if (p > 0) {
                    kl += p * (logP - unlearned.logProbability(i, c));
                }
            }
            total += kl;
        }
        return n == 0 ? Double.NaN : total / n;
    }
}
