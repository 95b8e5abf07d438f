package dev.lethe.unlearn.eval;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;

/**
 * A hand-made classifier for tests: each "image" is 1×1×K and holds the logits the classifier
 * returns for it, so every prediction, probability and accuracy is known in advance.
 */
final class LogitsAsPixels extends Module {
    /** The classifier's output for [N, 1, 1, K] input: the input as [N, K]. */
    @Override
    public Variable forward(Variable x) {
        return x.flatten(1, 3);
    }

    /** A data set whose sample i has logits {@code logits[i]} and label {@code labels[i]}. */
    static Dataset data(String name, double[][] logits, int[] labels) {
        int k = logits[0].length;
        float[] pixels = new float[logits.length * k];
        for (int i = 0; i < logits.length; i++) {
            for (int c = 0; c < k; c++) {
                pixels[i * k + c] = (float) logits[i][c];
            }
        }
        return Dataset.ofFloats(name, pixels, labels.clone(), 1, 1, k, k);
    }
}
