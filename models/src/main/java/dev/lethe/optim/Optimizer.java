package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed list of parameters from their accumulated gradients.
 *
 * <pre>{@code
 * try (Optimizer opt = new Sgd(model.parameters(), 0.1, 0.9, true, 5e-4)) {
 *     for (...) {
 *         opt.zeroGrad();
 *         loss.backward();
 *         opt.step();
 *     }
 * }
 * }</pre>
 *
 * <p>Parameters whose gradient is null (no gradient reached them) are skipped by
 * {@link #step()}, as in PyTorch. The state tensors (momentum, moment estimates) are allocated
 * on a parameter's first update, outside every {@link dev.lethe.tensor.MemoryScope}, and freed by
 * {@link #close()}; {@link #state()} and {@link #loadState(Map)} move them in and out of checkpoints.
 */
public interface Optimizer extends AutoCloseable {

    /** The parameters, in the order given at construction (state keys use these indices). */
    List<Variable> parameters();

    /** Applies one update to every parameter that has a gradient, in place. */
    void step();

    /** Frees every parameter's gradient, so the next backward starts from zero. */
    default void zeroGrad() {
        for (Variable p : parameters()) {
            p.zeroGrad();
        }
    }

    /** The learning rate the next {@link #step()} uses. */
    double learningRate();

    /** Sets the learning rate for the following steps (schedules call this before each step). */
    void setLearningRate(double lr);

    /**
     * The state as tensors named {@code <parameter index>.<slot>} (PyTorch's state_dict slot
     * names, e.g. {@code 3.momentum_buffer}, {@code 3.exp_avg}) plus optimizer-wide entries
     * without an index. The tensors are the live state, owned by the optimizer: read or copy
     * them, do not close them. Parameters not updated yet have no entries.
     */
    Map<String, Tensor> state();

    /**
     * Replaces the state with copies of {@code state} (names as {@link #state()} gives them),
     * so that the following steps continue exactly where the saved optimizer stopped. Every
     * name is checked (a known slot of an existing parameter, the parameter's shape) before
     * anything changes; an IllegalArgumentException names the first bad entry.
     */
    void loadState(Map<String, Tensor> state);

    /** Frees the state tensors; the optimizer must not be used afterwards. */
    @Override
    void close();
}
