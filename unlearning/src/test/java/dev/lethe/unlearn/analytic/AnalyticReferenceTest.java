package dev.lethe.unlearn.analytic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACU against plain PyTorch float64 (reference/analytic.safetensors, written by
 * tools/reference/unlearning/analytic.py): the buffer weight drawn from the seed, the buffer
 * features of given backbone features, and W and R after recursive learning and after each of
 * three unlearning requests (10% random, a whole class, 15% random), to ≤ 1e-9 relative.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class AnalyticReferenceTest {
    private MemoryScope scope;
    private SafeTensorsFile ref;
    private JsonNode cas;

    @BeforeEach
    void load() throws IOException, URISyntaxException {
        scope = MemoryScope.open();
        URL url = AnalyticReferenceTest.class.getResource("/reference/analytic.safetensors");
        if (url == null) {
            throw new IllegalStateException("missing test resource reference/analytic.safetensors; run "
                    + "tools/reference/unlearning/analytic.py");
        }
        ref = SafeTensorsFile.read(Path.of(url.toURI()));
        cas = new ObjectMapper().readTree(ref.metadata().get("case"));
    }

    @AfterEach
    void free() {
        scope.close();
    }

    private int[] labels() {
        return Arrays.stream(ref.tensor("labels").toLongArray()).mapToInt(v -> (int) v).toArray();
    }

    private Tensor rows(String name, int[] idx) {
        return ClosedFormRidge.rows(ref.tensor(name), idx);
    }

    private Tensor targets(int[] idx) {
        int[] all = labels();
        int[] l = Arrays.stream(idx).map(i -> all[i]).toArray();
        return ClosedFormRidge.oneHot(l, cas.get("classes").intValue());
    }

    private static double within(Tensor got, Tensor want, double tolerance, String what) {
        double e = ClosedFormRidge.relativeError(got, want);
        assertTrue(e <= tolerance, what + ": relative error " + e + " exceeds " + tolerance);
        if (Boolean.getBoolean("reference.print")) {
            System.out.printf("reference analytic %-20s relative error %.2e%n", what, e);
        }
        return e;
    }

    @Test
    void theBufferLayerDrawsTheSameWeightAndComputesTheSameFeatures() {
        int d = cas.get("buffer_size").intValue();
        int feat = cas.get("features").intValue();
        try (BufferLayer layer = BufferLayer.random(d, feat, Long.parseLong(ref.metadata().get("seed")))) {
            // The same Philox words and the same two IEEE operations per element: bit for bit.
            assertArrayEquals(ref.tensor("buffer/weight").toDoubleArray(), layer.weight().toDoubleArray());
            within(layer.apply(ref.tensor("phi")), ref.tensor("X"), 1e-13, "X");
        }
    }

    @Test
    void recursiveLearningAndThreeUnlearningRequestsMatchPyTorch() {
        int n = cas.get("n").intValue();
        int learnBatch = cas.get("learn_batch").intValue();
        int unlearnBatch = cas.get("unlearn_batch").intValue();
        try (RecursiveRidge ridge = new RecursiveRidge(cas.get("buffer_size").intValue(),
                cas.get("classes").intValue(), cas.get("gamma").doubleValue())) {
            for (int s = 0; s < n; s += learnBatch) {
                int[] idx = range(s, Math.min(n, s + learnBatch));
                ridge.learn(rows("X", idx), targets(idx));
            }
            within(ridge.W(), ref.tensor("learned/W"), ClosedFormRidge.EXACT, "learned W");
            within(ridge.R(), ref.tensor("learned/R"), ClosedFormRidge.EXACT, "learned R");
            for (int r = 1; r <= 3; r++) {
                int[] forget = Arrays.stream(ref.tensor("request" + r + "/indices").toLongArray())
                        .mapToInt(v -> (int) v).toArray();
                for (int s = 0; s < forget.length; s += unlearnBatch) {
                    int[] idx = Arrays.copyOfRange(forget, s, Math.min(forget.length, s + unlearnBatch));
                    ridge.unlearn(rows("X", idx), targets(idx));
                }
                within(ridge.W(), ref.tensor("request" + r + "/W"), ClosedFormRidge.EXACT, "request " + r + " W");
                within(ridge.R(), ref.tensor("request" + r + "/R"), ClosedFormRidge.EXACT, "request " + r + " R");
            }
        }
    }

    @Test
    void theNormalEquationsGiveWhatPyTorchLearnedRecursively() {
        int n = cas.get("n").intValue();
        try (NormalEquations equations = new NormalEquations(cas.get("buffer_size").intValue(),
                cas.get("classes").intValue(), cas.get("gamma").doubleValue())) {
            for (int s = 0; s < n; s += 100) {
                int[] idx = range(s, Math.min(n, s + 100));
                equations.add(rows("X", idx), targets(idx));
            }
            try (RecursiveRidge ridge = equations.solve()) {
                within(ridge.W(), ref.tensor("learned/W"), ClosedFormRidge.EXACT, "normal equations W");
                within(ridge.R(), ref.tensor("learned/R"), ClosedFormRidge.EXACT, "normal equations R");
            }
        }
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        Arrays.setAll(out, i -> from + i);
        return out;
    }
}
