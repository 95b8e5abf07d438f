package dev.lethe.unlearn.eval;

import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import java.util.Arrays;

/**
 * What a classifier says about each sample of a data set: the softmax distribution over the
 * classes (kept as float64 log-probabilities, so that KL terms of tiny probabilities stay
 * finite), the predicted class and the true label, in the data set's order.
 */
public final class Predictions {
    private final int classes;
    private final int[] labels;
    private final int[] predicted;
    private final double[] logProbabilities;

    private Predictions(int classes, int[] labels, int[] predicted, double[] logProbabilities) {
        this.classes = classes;
        this.labels = labels;
        this.predicted = predicted;
        this.logProbabilities = logProbabilities;
    }

    /**
     * Runs {@code classifier} over {@code data} in evaluation mode without gradients, in file
     * order, in batches of {@code batchSize} (the last one partial), without augmentation; the
     * classifier's mode is restored afterwards.
     *
     * @throws IllegalArgumentException when the logits are not [batch, K] or a label is ≥ K
     */
    @SuppressWarnings("try") // NoGrad and MemoryScope act by being open
    public static Predictions of(Module classifier, Dataset data, int batchSize) {
        int n = data.size();
        int[] labels = data.labels();
        int[] predicted = new int[n];
        double[] logProbabilities = null;
        int classes = -1;
        boolean wasTraining = classifier.isTraining();
        Device device = classifier.device();
        classifier.eval();
        try (NoGrad g = NoGrad.enter(); DataLoader loader = new DataLoader(data, batchSize);
             DataLoader.Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); MemoryScope scope = MemoryScope.open()) {
                    Variable out = classifier.forward(b.images().to(device));
                    int[] shape = out.shape();
                    if (shape.length != 2 || shape[0] != b.size()) {
                        throw new IllegalArgumentException("the classifier's output for a batch of " + b.size()
                                + " images of " + data.source() + " has shape " + Arrays.toString(shape)
                                + ", expected [" + b.size() + ", classes]");
                    }
                    if (classes < 0) {
                        classes = shape[1];
                        logProbabilities = new double[Math.multiplyExact(n, classes)];
                    }
                    double[] logits = out.value().toDoubleArray();
                    int[] indices = b.indices();
                    for (int k = 0; k < b.size(); k++) {
                        int i = indices[k];
                        predicted[i] = logSoftmax(logits, k * classes, classes, logProbabilities, i * classes);
                    }
                }
            }
        } finally {
            classifier.train(wasTraining);
        }
        return checked(Math.max(classes, 0), labels, predicted,
                logProbabilities == null ? new double[0] : logProbabilities, data.source());
    }

    /**
     * Predictions from logits given row by row ({@code logits[i·K + c]}), e.g. a model's saved
     * outputs.
     */
    public static Predictions ofLogits(double[] logits, int[] labels, int classes) {
        if (classes <= 0 || logits.length != (long) labels.length * classes) {
            throw new IllegalArgumentException(logits.length + " logits do not make " + labels.length + " rows of "
                    + classes + " classes");
        }
        int n = labels.length;
        int[] predicted = new int[n];
        double[] logProbabilities = new double[logits.length];
        for (int i = 0; i < n; i++) {
            predicted[i] = logSoftmax(logits, i * classes, classes, logProbabilities, i * classes);
        }
        return checked(classes, labels.clone(), predicted, logProbabilities, "the logits");
    }

    private static Predictions checked(int classes, int[] labels, int[] predicted, double[] logProbabilities,
                                       String source) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(source + ": label " + labels[i] + " of sample " + i
                        + " is not one of the classifier's " + classes + " classes");
            }
        }
        return new Predictions(classes, labels, predicted, logProbabilities);
    }

    /**
     * Writes log softmax(z) of {@code z = logits[from..from+k)} to {@code out[to..]} (in float64,
     * max-shifted) and returns the arg-max of z: the first maximum, a NaN counting as the maximum
     * (as PyTorch's argmax).
     */
    private static int logSoftmax(double[] logits, int from, int k, double[] out, int to) {
        int best = 0;
        double max = logits[from];
        for (int c = 1; c < k; c++) {
            double v = logits[from + c];
            if (!Double.isNaN(max) && (v > max || Double.isNaN(v))) {
                max = v;
                best = c;
            }
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(logits[from + c] - max);
        }
        double logSum = max + Math.log(sum);
        for (int c = 0; c < k; c++) {
            out[to + c] = logits[from + c] - logSum;
        }
        return best;
    }

    /** The predictions for the samples at {@code indices} (positions in this set), in that order. */
    public Predictions subset(int[] indices) {
        int[] y = new int[indices.length];
        int[] p = new int[indices.length];
        double[] lp = new double[indices.length * classes];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= labels.length) {
                throw new IndexOutOfBoundsException("index " + i + " is outside the " + labels.length + " predictions");
            }
            y[k] = labels[i];
            p[k] = predicted[i];
            System.arraycopy(logProbabilities, i * classes, lp, k * classes, classes);
        }
        return new Predictions(classes, y, p, lp);
    }

    /** The number of samples. */
    public int size() {
        return labels.length;
    }

    /** The number of classes K the classifier scores. */
    public int numClasses() {
        return classes;
    }

    /** The true labels (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    /** The predicted classes, the arg-max of the logits (a copy). */
    public int[] predicted() {
        return predicted.clone();
    }

    /** log p(c | x_i), in float64. */
    public double logProbability(int i, int c) {
        return logProbabilities[i * classes + c];
    }

    /** p(c | x_i), in float64. */
    public double probability(int i, int c) {
        return Math.exp(logProbability(i, c));
    }

    /**
     * The probability of each sample's true label — the membership-inference feature — rounded
     * to float32, the precision in which the reference implementation (PyTorch's softmax on
     * float32 logits) hands it to the attack.
     */
    public double[] trueClassProbability() {
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) probability(i, labels[i]);
        }
        return out;
    }

    /** Accuracy in percent: samples whose prediction is their label (NaN for an empty set). */
    public double accuracy() {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return labels.length == 0 ? Double.NaN : 100.0 * correct / labels.length;
    }

    /** Accuracy in percent among the samples of each true class 0..K−1 (NaN for a class with none). */
    public double[] perClassAccuracy() {
        int[] correct = new int[classes];
        int[] total = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            total[labels[i]]++;
            if (predicted[i] == labels[i]) {
                correct[labels[i]]++;
            }
        }
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = total[c] == 0 ? Double.NaN : 100.0 * correct[c] / total[c];
        }
        return out;
    }

    /** Accuracy in percent among the samples whose label is in {@code classes} (NaN when there are none). */
    public double accuracyOn(boolean[] classes) {
        int correct = 0;
        int total = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < classes.length && classes[labels[i]]) {
                total++;
                if (predicted[i] == labels[i]) {
                    correct++;
                }
            }
        }
        return total == 0 ? Double.NaN : 100.0 * correct / total;
    }
}
