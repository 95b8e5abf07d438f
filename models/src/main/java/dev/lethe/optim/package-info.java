/**
 * Optimizers and learning-rate schedules with PyTorch's exact update rules: {@link dev.lethe.optim.Sgd}
 * ({@code torch.optim.SGD}), {@link dev.lethe.optim.AdamW} ({@code torch.optim.AdamW}),
 * {@link dev.lethe.optim.GradClip} ({@code torch.nn.utils.clip_grad_norm_}) and the schedules
 * {@link dev.lethe.optim.Constant}, {@link dev.lethe.optim.StepDecay} and
 * {@link dev.lethe.optim.WarmupCosine}.
 *
 * <p>Updates are compositions of in-place tensor operations, so they run on every backend;
 * each parameter's temporaries live in a {@link dev.lethe.tensor.MemoryScope} closed before
 * the next parameter, and the optimizer state lives outside every scope until
 * {@link dev.lethe.optim.Optimizer#close()}.
 */
package dev.lethe.optim;
