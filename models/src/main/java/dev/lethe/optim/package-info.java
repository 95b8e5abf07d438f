/**
 * Optimizers and learning-rate schedules with PyTorch's exact update rules: {@link dev.lethe.optim.Sgd}
 * ({@code torch.optim.SGD}), {@link dev.lethe.optim.AdamW} ({@code torch.optim.AdamW}),
 * {@link dev.lethe.optim.GradClip} ({@code torch.nn.utils.clip_grad_norm_}) and the schedules
 * {@link dev.lethe.optim.Constant}, {@link dev.lethe.optim.StepDecay} and
 * {@link dev.lethe.optim.WarmupCosine}.
 *
 * <p>Updates are sequences of in-place tensor operations in PyTorch's order, so they run on
 * every backend and round as PyTorch's unfused kernels do. Intermediate results go to work
 * buffers reused across parameters and steps (only rank-0 scalars are allocated per step, in a
 * {@link dev.lethe.tensor.MemoryScope} closed before the next parameter); the optimizer state and
 * the work buffers live outside every scope until {@link dev.lethe.optim.Optimizer#close()}.
 */
package dev.lethe.optim;
