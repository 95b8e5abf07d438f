package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What SGD and AdamW share: a fixed parameter list, a learning rate, per-parameter state slots
 * kept outside scopes ({@link ParameterState}), reusable scratch tensors ({@link Workspace}),
 * and a step that updates each parameter that has a gradient, in its own scope so the
 * temporaries of one update are freed before the next. Subclasses write only the update rule.
 */
abstract class PerParameterOptimizer implements Optimizer {
    /** The parameters, in order; state keys are their indices. */
    protected final List<Variable> params;
    /** Per-parameter state (moment buffers, step counters). */
    protected final ParameterState state;
    /** Scratch tensors reused across steps. */
    protected final Workspace work = new Workspace();
    /** The current learning rate. */
    protected double lr;

    PerParameterOptimizer(List<Variable> params, double lr, String name, ParameterState.Slot... slots) {
        this.params = OptimizerChecks.parameters(params, name);
        OptimizerChecks.learningRate(lr);
        this.lr = lr;
        this.state = new ParameterState(this.params, slots);
    }

    /** Updates parameter {@code i}, value {@code p}, from its gradient {@code g}, in place. */
    protected abstract void update(int i, Tensor p, Tensor g);

    @Override
    public final List<Variable> parameters() {
        return params;
    }

    @Override
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            if (g != null) {
                try (MemoryScope scope = MemoryScope.open()) {
                    update(i, params.get(i).value(), g);
                }
            }
        }
    }

    @Override
    public final double learningRate() {
        return lr;
    }

    @Override
    public final void setLearningRate(double lr) {
        OptimizerChecks.learningRate(lr);
        this.lr = lr;
    }

    @Override
    public final Map<String, Tensor> state() {
        return state.export();
    }

    @Override
    public void loadState(Map<String, Tensor> saved) {
        state.load(saved);
    }

    @Override
    public final void close() {
        state.close();
        work.close();
    }
}
