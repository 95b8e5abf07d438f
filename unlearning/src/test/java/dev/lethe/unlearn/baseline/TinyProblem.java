package dev.lethe.unlearn.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.ForgetSpec;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small unlearning problem the method tests share: 4 classes of 1×3×4 float images (a fixed
 * ±1 pattern per class plus Gaussian noise), an MLP 12 → 16 → 4 trained on them for a few
 * epochs with the MLP recipe, and forget sets over them.
 */
public final class TinyProblem {
    /** Samples in D. */
    public static final int SIZE = 240;
    /** The architecture. */
    public static final ModelSpec SPEC = ModelSpec.of("mlp", Map.of("in_features", 12, "hidden", List.of(16),
            "num_classes", 4));
    /** The MLP recipe, shortened: 4 epochs of batches of 32. */
    public static final TrainingRecipe RECIPE = TrainingRecipe.defaults("mlp").with("epochs", "4")
            .with("batch_size", "32");
    /** The seed the original is trained with. */
    public static final long SEED = 7;

    private TinyProblem() {
    }

    /** {@code n} samples of the four classes, labels uniform, from {@code seed}. */
    public static Dataset blobs(int n, long seed) {
        Philox rng = new Philox(seed);
        int d = 12;
        double[] patterns = new double[4 * d];
        new Philox(99).normals(patterns);
        double[] noise = new double[n * d];
        rng.normals(noise);
        long[] labels = new long[n];
        rng.ints(0, 4, labels);
        float[] pixels = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (int) labels[i];
            for (int j = 0; j < d; j++) {
                pixels[i * d + j] = (float) (Math.signum(patterns[y[i] * d + j]) + 0.9 * noise[i * d + j]);
            }
        }
        return Dataset.ofFloats("blobs(" + n + ", seed " + seed + ")", pixels, y, 1, 3, 4, 4);
    }

    /** D: the training set. */
    public static Dataset data() {
        return blobs(SIZE, 1);
    }

    /** The original θ_o: the recipe run on {@link #data()} from {@link #SEED}. */
    public static TrainedModel original() throws IOException {
        Module network = RECIPE.train(SPEC, data(), SEED, Progress.none());
        return TrainedModel.of(SPEC, network, RECIPE, SEED);
    }

    /** Forgetting every sample of class {@code c}. */
    public static UnlearningRequest forgetClass(int c) throws IOException {
        Dataset data = data();
        return UnlearningRequest.of(data, ForgetSpec.parse("class:" + c, data));
    }

    /** Forgetting a seeded 10% of D. */
    public static UnlearningRequest forgetRandom() {
        Dataset data = data();
        return UnlearningRequest.of(data, ForgetSet.of(ForgetSpec.randomIndices(SIZE, SIZE / 10, 3), SIZE,
                "random:0.1:3"));
    }

    /**
     * The hyperparameters {@code key1, value1, key2, value2, ...} as a method receives them, as
     * {@code --set key=value} gives them on the command line.
     */
    public static Hyperparameters set(Object... keyValues) {
        Hyperparameters h = Hyperparameters.none();
        for (int i = 0; i < keyValues.length; i += 2) {
            h = h.with((String) keyValues[i], keyValues[i + 1]);
        }
        return h;
    }

    /** Every parameter and buffer of {@code m} as raw float bits, by name. */
    public static Map<String, int[]> bits(Module m) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            float[] v = e.getValue().toFloatArray();
            int[] b = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = Float.floatToRawIntBits(v[i]);
            }
            out.put(e.getKey(), b);
        }
        return out;
    }

    /** Fails unless {@code a} and {@code b} hold the same tensors bit for bit. */
    public static void assertSameBits(Map<String, int[]> a, Map<String, int[]> b, String what) {
        assertArrayEquals(a.keySet().toArray(), b.keySet().toArray(), what + ": names");
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), what + ": " + k);
        }
    }
}
