/**
 * Saliency unlearning, SalUn (Fan et al., ICLR 2024): the weight saliency of the forget set
 * ({@link dev.lethe.unlearn.salun.SaliencyMap}), its global top-k mask
 * ({@link dev.lethe.unlearn.salun.SaliencyMask}) and the masked random-label fine-tuning
 * ({@link dev.lethe.unlearn.salun.SaliencyUnlearning}).
 */
package dev.lethe.unlearn.salun;
