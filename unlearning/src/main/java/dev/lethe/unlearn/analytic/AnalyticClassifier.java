package dev.lethe.unlearn.analytic;

import dev.lethe.autograd.Variable;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;

/**
 * An analytic head over a frozen backbone as a {@link Module}: forward gives the float32 logits
 * X·W of {@link AnalyticHead#logits}, with masked classes at −∞. It has no parameters of its own
 * and always computes in evaluation mode without recording gradients: {@link #train(boolean)}
 * changes nothing it computes, and its output is a constant.
 */
final class AnalyticClassifier extends Module {
    private final Backbone backbone;
    private final AnalyticHead head;

    /** The head over the backbone (which this classifier then owns). */
    AnalyticClassifier(Backbone backbone, AnalyticHead head) {
        this.backbone = backbone;
        this.head = head;
    }

    @Override
    public Variable forward(Variable x) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor logits = head.logits(backbone.features(x.value()));
            return Variable.constant(scope.keep(logits));
        }
    }

    /** E.g. {@code AnalyticClassifier(d = 2048, gamma = 0.1, 54000 samples learned)}. */
    @Override
    public String toString() {
        return "AnalyticClassifier(d = " + head.bufferSize() + ", gamma = " + head.gamma() + ", " + head.count()
                + " samples learned)";
    }
}
