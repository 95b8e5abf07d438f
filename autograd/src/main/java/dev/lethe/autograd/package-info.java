/** Define-by-run reverse-mode automatic differentiation over Lethe tensors. */
package dev.lethe.autograd;
