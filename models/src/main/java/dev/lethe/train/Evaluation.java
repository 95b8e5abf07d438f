package dev.lethe.train;

import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;

/**
 * A model's mean cross-entropy and accuracy on a dataset, overall and per class.
 *
 * @param loss            mean cross-entropy over all images
 * @param correct         images whose arg-max logit is their label (ties go to the lower class)
 * @param total           images evaluated
 * @param correctPerClass correct predictions per true class
 * @param totalPerClass   images per true class
 */
public record Evaluation(double loss, int correct, int total, int[] correctPerClass, int[] totalPerClass) {

    /** Fraction correct, in [0, 1]. */
    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }

    /** Fraction correct among images of class {@code c} (NaN when there are none). */
    public double accuracy(int c) {
        return totalPerClass[c] == 0 ? Double.NaN : (double) correctPerClass[c] / totalPerClass[c];
    }

    /**
     * Evaluates {@code model} in evaluation mode without recording gradients, over {@code data}
     * in file order in batches of {@code batchSize}, on the model's device; the model's mode is
     * restored afterwards.
     */
    public static Evaluation of(Module model, Dataset data, int batchSize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        int classes = data.numClasses();
        int[] correctPerClass = new int[classes];
        int[] totalPerClass = new int[classes];
        double lossSum = 0;
        int correct = 0;
        Device device = model.device();
        try (NoGrad g = NoGrad.enter(); DataLoader loader = new DataLoader(data, batchSize);
             DataLoader.Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); MemoryScope scope = MemoryScope.open()) {
                    Variable logits = model.forward(b.images().to(device));
                    lossSum += logits.crossEntropy(b.labels().to(device), 0.0).item() * b.size();
                    long[] predicted = logits.value().argmax(1, false).toLongArray();
                    for (int k = 0; k < b.size(); k++) {
                        int label = data.label(b.indices()[k]);
                        totalPerClass[label]++;
                        if (predicted[k] == label) {
                            correctPerClass[label]++;
                            correct++;
                        }
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / data.size(), correct, data.size(), correctPerClass, totalPerClass);
    }

    @Override
    public String toString() {
        return String.format("loss %.4f, accuracy %.2f%% (%d/%d)", loss, 100 * accuracy(), correct, total);
    }
}
