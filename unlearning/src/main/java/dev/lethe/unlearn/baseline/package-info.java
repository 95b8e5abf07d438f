/**
 * The baseline unlearning methods of UNLEARNING.md: retraining from scratch on D_r
 * ({@link dev.lethe.unlearn.baseline.Retrain}, the gold standard) and the gradient-based ones,
 * which all run one loop, {@link dev.lethe.unlearn.baseline.FineTuning}, and differ only in its
 * configuration: fine-tuning on D_r ({@link dev.lethe.unlearn.baseline.FineTune}), gradient
 * ascent on D_f ({@link dev.lethe.unlearn.baseline.GradientAscent}), random labels
 * ({@link dev.lethe.unlearn.baseline.RandomLabels}) and ℓ1-sparse fine-tuning
 * ({@link dev.lethe.unlearn.baseline.L1Sparse}). The loop's parts are also what SalUn
 * ({@link dev.lethe.unlearn.salun}) builds on.
 */
package dev.lethe.unlearn.baseline;
