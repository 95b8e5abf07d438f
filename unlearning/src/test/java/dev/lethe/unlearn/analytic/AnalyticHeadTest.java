package dev.lethe.unlearn.analytic;

import static dev.lethe.unlearn.analytic.ClosedFormRidge.EXACT;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.assertExact;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.BadRequestException;
import dev.lethe.unlearn.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analytic head over a real (small) MLP backbone: fitting, unlearning and checkpoints. The
 * exactness checks use the head's own float64 buffer features, so W and R must agree with ridge
 * regression retrained in closed form on the remaining samples to ≤ 1e-9 relative
 * (UNLEARNING.md, ACU conventions), and the unlearned head must predict exactly what a head
 * fitted on the remaining samples alone predicts.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class AnalyticHeadTest {
    static final int N = 300;
    static final int CLASSES = 4;
    static final int D = 40;
    static final double GAMMA = 0.1;
    static final long SEED = 123;
    static final ModelSpec SPEC = ModelSpec.of("mlp", Map.of("in_features", 16, "hidden", List.of(24, 12),
            "num_classes", CLASSES));

    private MemoryScope scope;
    private Module network;
    private Dataset data;
    private Dataset test;

    /**
     * Images of small integer pixels, shifted up by 2 on the pixels of their class, so that the
     * classes are learnable and every float32 product and sum in the backbone is exact.
     */
    static Dataset synthetic(int n, long seed, String name) {
        Philox rng = new Philox(seed);
        long[] drawn = new long[n];
        rng.ints(0, CLASSES, drawn);
        int[] labels = Arrays.stream(drawn).mapToInt(v -> (int) v).toArray();
        long[] noise = new long[n * 16];
        rng.ints(-3, 4, noise);
        float[] pixels = new float[n * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = noise[i] + ((i % 16) % CLASSES == labels[i / 16] ? 2 : 0);
        }
        return Dataset.ofFloats(name, pixels, labels, 1, 4, 4, CLASSES);
    }

    /**
     * The MLP with every weight and bias a multiple of 1/16 in [−1/2, 1/2]: with integer pixels
     * below 8 in magnitude, the first layer's sums are multiples of 1/16 below 2⁷ and the second's
     * multiples of 1/256 below 2¹⁰, all exact in float32 in any summation order. So the
     * backbone's features do not depend on how a GEMM splits a batch, and the float64 head
     * built on them can be held to the ≤ 1e-9 of exact features.
     */
    static Module network() {
        return exact(SPEC);
    }

    static Module exact(ModelSpec spec) {
        Module m = spec.build(new Philox(7));
        Philox rng = new Philox(17);
        try (MemoryScope s = MemoryScope.open()) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            m.stateDict().forEach((name, t) -> {
                long[] k = new long[t.numel()];
                rng.ints(-8, 9, k);
                double[] v = Arrays.stream(k).mapToDouble(x -> x / 16.0).toArray();
                state.put(name, Tensor.fromDoubles(v, DType.FLOAT32, t.shape()));
            });
            m.loadStateDict(state);
        }
        m.eval();
        return m;
    }

    @BeforeEach
    void setUp() {
        scope = MemoryScope.open();
        network = network();
        data = synthetic(N, 1, "train");
        test = synthetic(120, 2, "test");
    }

    @AfterEach
    void tearDown() {
        scope.close();
    }

    private AnalyticHead fit(Dataset on) {
        return AnalyticHead.fit(network, SPEC, on, D, GAMMA, SEED, 64, Progress.none());
    }

    /** The head's float64 buffer features X of the samples at {@code idx}. */
    private Tensor features(AnalyticHead head, Dataset on, int[] idx) {
        try (Backbone backbone = Backbone.of(network, SPEC)) {
            return head.buffer().apply(backbone.features(on.images(idx)));
        }
    }

    private void assertRetrained(AnalyticHead head, int[] remaining, String what) {
        ClosedFormRidge want = ClosedFormRidge.of(features(head, data, remaining),
                AnalyticHead.oneHot(data, remaining, CLASSES), GAMMA);
        double er = assertExact(head.ridge().R(), want.r(), what + ": R");
        double ew = assertExact(head.ridge().W(), want.w(), what + ": W");
        if (Boolean.getBoolean("reference.print")) {
            System.out.printf("%-28s R %.2e  W %.2e%n", what, er, ew);
        }
    }

    private static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    private static int[] without(int[] set, int[] removed) {
        return Arrays.stream(set).filter(i -> Arrays.binarySearch(removed, i) < 0).toArray();
    }

    private long[] predictions(Module classifier, Dataset on) {
        return classifier.forward(on.images(all(on.size()))).value().argmax(1, false).toLongArray();
    }

    @Test
    void fittingGivesTheClosedFormOnAllSamples() {
        try (AnalyticHead head = fit(data)) {
            assertEquals(N, head.count());
            assertEquals(D, head.bufferSize());
            assertEquals(GAMMA, head.gamma());
            assertTrue(head.isLearned(0) && head.isLearned(N - 1) && !head.isLearned(N) && !head.isLearned(-1));
            assertRetrained(head, all(N), "fit");
            // The buffer weight is the one BufferLayer.random draws from the seed.
            try (BufferLayer expected = BufferLayer.random(D, 12, SEED)) {
                assertArrayEquals(expected.weight().toDoubleArray(), head.buffer().weight().toDoubleArray());
            }
        }
    }

    @Test
    void fittingDoesNotDependOnTheBatchSize() {
        try (AnalyticHead a = fit(data);
             AnalyticHead b = AnalyticHead.fit(network, SPEC, data, D, GAMMA, SEED, 7, Progress.none())) {
            assertTrue(relativeError(b.ridge().W(), a.ridge().W()) <= EXACT);
            assertTrue(relativeError(b.ridge().R(), a.ridge().R()) <= EXACT);
        }
    }

    @Test
    void fittingEqualsLearningRecursively() {
        try (AnalyticHead head = fit(data); RecursiveRidge ridge = new RecursiveRidge(D, CLASSES, GAMMA)) {
            for (int start = 0; start < N; start += 50) {
                int[] idx = IntStream.range(start, Math.min(N, start + 50)).toArray();
                ridge.learn(features(head, data, idx), AnalyticHead.oneHot(data, idx, CLASSES));
            }
            assertExact(ridge.R(), head.ridge().R(), "recursive learning vs fit: R");
            assertExact(ridge.W(), head.ridge().W(), "recursive learning vs fit: W");
        }
    }

    @Test
    void unlearningOneRequestEqualsRetrainingAndPredictsAsTheRetrainedHead() {
        int[] forget = sortedSubset(45, 3);
        int[] remaining = without(all(N), forget);
        try (AnalyticHead head = fit(data);
             AnalyticHead retrained = fit(data.subset(remaining, "retain"))) {
            head.unlearn(network, SPEC, data, forget, 16, Progress.none());
            assertEquals(N - forget.length, head.count());
            assertFalse(head.isLearned(forget[0]));
            assertRetrained(head, remaining, "one request");
            assertExact(head.ridge().W(), retrained.ridge().W(), "W vs a head fitted on the rest");
            Module unlearned = head.classifier(network, SPEC);
            Module gold = retrained.classifier(network, SPEC);
            assertArrayEquals(predictions(gold, test), predictions(unlearned, test));
            Tensor a = unlearned.forward(test.images(all(test.size()))).value();
            Tensor b = gold.forward(test.images(all(test.size()))).value();
            assertTrue(relativeError(a, b) <= 1e-6, "float32 logits differ by " + relativeError(a, b));
        }
    }

    @Test
    void unlearningAWholeClassZeroesItsColumn() {
        int c = 1;
        int[] forget = IntStream.range(0, N).filter(i -> data.label(i) == c).toArray();
        try (AnalyticHead head = fit(data)) {
            head.unlearn(network, SPEC, data, forget, Progress.none());
            assertRetrained(head, without(all(N), forget), "class " + c);
            double[] w = head.ridge().W().toDoubleArray();
            double column = 0;
            double largest = 0;
            for (int i = 0; i < w.length; i++) {
                largest = Math.max(largest, Math.abs(w[i]));
                if (i % CLASSES == c) {
                    column = Math.max(column, Math.abs(w[i]));
                }
            }
            assertTrue(column <= 1e-12 * largest, "max |W[:, c]| = " + column + ", max |W| = " + largest);
        }
    }

    @Test
    void aSequenceOfFiveRequestsStaysOnTheRetrainedSolution() {
        int[] remaining = all(N);
        Philox rng = new Philox(8);
        try (AnalyticHead head = fit(data)) {
            for (int request = 1; request <= 5; request++) {
                int[] order = rng.permutation(remaining.length);
                int[] forget = new int[10 * request];
                for (int i = 0; i < forget.length; i++) {
                    forget[i] = remaining[order[i]];
                }
                Arrays.sort(forget);
                head.unlearn(network, SPEC, data, forget, 3 + 4 * request, Progress.none());
                remaining = without(remaining, forget);
                assertEquals(remaining.length, head.count());
                assertRetrained(head, remaining, "request " + request + " of 5");
            }
        }
    }

    @Test
    void anyBatchSplitGivesTheSameHead() {
        int[] forget = sortedSubset(60, 5);
        try (AnalyticHead base = fit(data)) {
            AnalyticHead[] heads = new AnalyticHead[3];
            int[] batches = {1, 11, 1000};
            for (int k = 0; k < 3; k++) {
                heads[k] = base.copy();
                heads[k].unlearn(network, SPEC, data, forget, batches[k], Progress.none());
            }
            for (int k = 1; k < 3; k++) {
                assertTrue(relativeError(heads[k].ridge().W(), heads[0].ridge().W()) <= EXACT, "W, batch " + batches[k]);
                assertTrue(relativeError(heads[k].ridge().R(), heads[0].ridge().R()) <= EXACT, "R, batch " + batches[k]);
            }
            assertEquals(N, base.count(), "copies do not share the learned set");
            assertRetrained(base, all(N), "the copied-from head");
            Arrays.stream(heads).forEach(AnalyticHead::close);
        }
    }

    @Test
    void rejectsIndicesNotLearnedAndLeavesTheHeadUnchanged() {
        try (AnalyticHead head = fit(data)) {
            head.unlearn(network, SPEC, data, new int[] {5, 9}, Progress.none());
            double[] w = head.ridge().W().toDoubleArray();
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> head.unlearn(network, SPEC, data, new int[] {3, 9, 4}, Progress.none()));
            assertTrue(e.getMessage().contains("index 9 is not learned"), e.getMessage());
            e = assertThrows(BadRequestException.class,
                    () -> head.unlearn(network, SPEC, data, new int[] {2, N}, Progress.none()));
            assertTrue(e.getMessage().contains("index " + N + " is out of range"), e.getMessage());
            e = assertThrows(BadRequestException.class,
                    () -> head.unlearn(network, SPEC, data, new int[] {7, 7}, Progress.none()));
            assertTrue(e.getMessage().contains("index 7 appears more than once"), e.getMessage());
            e = assertThrows(BadRequestException.class,
                    () -> head.unlearn(network, SPEC, data.subset(all(100), "first 100"), new int[] {1}, Progress.none()));
            assertTrue(e.getMessage().contains("has learned index " + (N - 1)), e.getMessage());
            assertArrayEquals(w, head.ridge().W().toDoubleArray());
            assertEquals(N - 2, head.count());
            assertTrue(head.isLearned(3) && !head.isLearned(5) && !head.isLearned(9));
        }
    }

    @Test
    void checkpointRoundTripIsBitExact(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.safetensors");
        int[] forget = sortedSubset(30, 6);
        try (AnalyticHead head = fit(data)) {
            head.unlearn(network, SPEC, data, forget, Progress.none());
            head.maskClasses(2);
            TrainedModel.of(SPEC, network, TrainingRecipe.defaults("mlp"), 4).withAnalytic(head).write(file);
            try (SafeTensorsFile raw = SafeTensorsFile.read(file)) {
                assertEquals("{\"buffer_size\":" + D + ",\"gamma\":" + GAMMA + "}", raw.metadata().get("lethe.analytic"));
                assertArrayEquals(new int[0], raw.tensor("analytic.count").shape());
                assertEquals(DType.INT64, raw.tensor("analytic.count").dtype());
                assertEquals(N - 30, raw.tensor("analytic.count").item());
                assertArrayEquals(new int[] {D, 12}, raw.tensor("analytic.buffer.weight").shape());
                assertArrayEquals(new int[] {D, CLASSES}, raw.tensor("analytic.W").shape());
                assertArrayEquals(new int[] {D, D}, raw.tensor("analytic.R").shape());
                assertArrayEquals(head.learnedIndices(), raw.tensor("analytic.learned").toIntArray());
                assertArrayEquals(new int[] {2}, raw.tensor("analytic.masked_classes").toIntArray());
            }
            TrainedModel back = TrainedModel.read(file);
            AnalyticHead read = back.analytic();
            try (read) {
                assertNotSame(head, read);
                for (Map.Entry<String, Tensor> e : head.tensors().entrySet()) {
                    assertArrayEquals(bits(e.getValue()), bits(read.tensors().get(e.getKey())), e.getKey());
                }
                assertEquals(head.metadata(), read.metadata());
                assertArrayEquals(head.learnedIndices(), read.learnedIndices());
                assertArrayEquals(new int[] {2}, read.maskedClasses());
                assertArrayEquals(predictions(head.classifier(network, SPEC), test),
                        predictions(back.classifier(), test));
                // The persisted learned set still rejects what was unlearned before the save.
                BadRequestException e = assertThrows(BadRequestException.class,
                        () -> read.unlearn(back.network(), back.spec(), data, new int[] {forget[0]}, Progress.none()));
                assertTrue(e.getMessage().contains("index " + forget[0] + " is not learned"), e.getMessage());
            }
        }
    }

    private static long[] bits(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @Test
    void aCheckpointWithoutAHeadHasNone(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plain.safetensors");
        TrainedModel.of(SPEC, network, TrainingRecipe.defaults("mlp"), 4).write(file);
        assertNull(TrainedModel.read(file).analytic());
        assertNull(AnalyticHead.fromCheckpoint(file, Map.of(), Map.of()));
    }

    @Test
    void rejectsAnIncompleteOrInconsistentHead() {
        Path file = Path.of("bad.safetensors");
        try (AnalyticHead head = fit(data)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>(head.tensors());
            Map<String, String> meta = head.metadata();
            Map<String, Tensor> missing = new LinkedHashMap<>(tensors);
            missing.remove("analytic.R");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AnalyticHead.fromCheckpoint(file, missing, meta));
            assertTrue(e.getMessage().contains("analytic.R is missing"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AnalyticHead.fromCheckpoint(file, tensors, Map.of()));
            assertTrue(e.getMessage().contains("no lethe.analytic metadata"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> AnalyticHead.fromCheckpoint(file, tensors,
                    Map.of("lethe.analytic", "{\"buffer_size\": 41, \"gamma\": 0.1}")));
            assertTrue(e.getMessage().contains("[41, 12]"), e.getMessage());
            Map<String, Tensor> wrongCount = new LinkedHashMap<>(tensors);
            wrongCount.put("analytic.count", Tensor.scalar(N - 1, DType.INT64));
            e = assertThrows(IllegalArgumentException.class, () -> AnalyticHead.fromCheckpoint(file, wrongCount, meta));
            assertTrue(e.getMessage().contains("counts " + (N - 1)), e.getMessage());
            Map<String, Tensor> extra = new LinkedHashMap<>(tensors);
            extra.put("analytic.P", Tensor.zeros(DType.FLOAT64, 1));
            e = assertThrows(IllegalArgumentException.class, () -> AnalyticHead.fromCheckpoint(file, extra, meta));
            assertTrue(e.getMessage().contains("unexpected tensor analytic.P"), e.getMessage());
        }
    }

    @Test
    void maskedClassesAreNeverPredicted() {
        try (AnalyticHead head = fit(data)) {
            head.maskClasses(0, 3);
            Variable logits = head.classifier(network, SPEC).forward(test.images(all(test.size())));
            assertFalse(logits.requiresGrad());
            assertEquals(DType.FLOAT32, logits.dtype());
            for (long p : logits.value().argmax(1, false).toLongArray()) {
                assertTrue(p == 1 || p == 2, "predicted masked class " + p);
            }
            assertEquals(Double.NEGATIVE_INFINITY, logits.value().get(0, 3));
            assertThrows(BadRequestException.class, () -> head.maskClasses(1, 2));
            assertThrows(BadRequestException.class, () -> head.maskClasses(CLASSES));
            assertArrayEquals(new int[] {0, 3}, head.maskedClasses());
        }
    }

    @Test
    void theClassifierComputesInEvaluationModeWhateverItsMode() {
        ModelSpec withDropout = SPEC.with("dropout", 0.5);
        Module dropping = exact(withDropout);
        dropping.train();
        try (AnalyticHead head = AnalyticHead.fit(dropping, withDropout, data, D, GAMMA, SEED, 64, Progress.none())) {
            assertTrue(dropping.isTraining(), "fitting leaves the network's mode alone");
            // Dropout is off in the backbone, so the head equals the one fitted over the same
            // weights without dropout.
            Module plain = network();
            try (AnalyticHead same = AnalyticHead.fit(plain, SPEC, data, D, GAMMA, SEED, 64, Progress.none())) {
                assertArrayEquals(same.ridge().W().toDoubleArray(), head.ridge().W().toDoubleArray());
            }
            Module classifier = head.classifier(dropping, withDropout);
            Tensor x = test.images(all(8));
            classifier.train();
            double[] first = classifier.forward(x).value().toDoubleArray();
            assertArrayEquals(first, classifier.forward(x).value().toDoubleArray());
        }
    }

    private static int[] sortedSubset(int k, long seed) {
        int[] s = Arrays.copyOf(new Philox(seed).permutation(N), k);
        Arrays.sort(s);
        return s;
    }
}
