package dev.lethe.unlearn;

/**
 * What an {@link Unlearner} returns.
 *
 * @param model  θ_u, a new model (the original is untouched), in evaluation mode
 * @param record what the method did
 */
public record UnlearningResult(TrainedModel model, UnlearningRecord record) {
}
