package dev.lethe.unlearn.analytic;

import static dev.lethe.unlearn.analytic.ClosedFormRidge.EXACT;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.assertExact;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.oneHot;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.relativeError;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The recursive learn and unlearn updates against ridge regression retrained in closed form on
 * the samples that remain (UNLEARNING.md, acu), with exact float64 features given directly: the
 * agreement must be ≤ 1e-9 relative for W and R after one request, after a whole class, after a
 * sequence of five requests, and for any batch split.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class RecursiveRidgeTest {
    private static final int N = 400;
    private static final int D = 48;
    private static final int CLASSES = 5;
    private static final double GAMMA = 0.1;

    private MemoryScope scope;
    private Tensor x;
    private int[] labels;

    @BeforeEach
    void data() {
        scope = MemoryScope.open();
        // ReLU features as the buffer layer makes them: non-negative, about half zeros, with a
        // class-dependent mean so that the classes are separable as in real data.
        labels = new int[N];
        Philox rng = new Philox(11);
        long[] drawn = new long[N];
        rng.ints(0, CLASSES, drawn);
        for (int i = 0; i < N; i++) {
            labels[i] = (int) drawn[i];
        }
        Tensor noise = Tensor.randn(rng, DType.FLOAT64, N, D);
        Tensor centres = Tensor.randn(rng, DType.FLOAT64, CLASSES, D);
        x = noise.add(rows(centres, labels)).relu();
    }

    @AfterEach
    void free() {
        scope.close();
    }

    private Tensor y(int[] idx) {
        int[] l = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            l[i] = labels[idx[i]];
        }
        return oneHot(l, CLASSES);
    }

    private static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    private static int[] without(int[] set, int[] removed) {
        return Arrays.stream(set).filter(i -> Arrays.stream(removed).noneMatch(j -> j == i)).toArray();
    }

    private RecursiveRidge learned(int[] idx, int batch) {
        RecursiveRidge ridge = new RecursiveRidge(D, CLASSES, GAMMA);
        apply(ridge, idx, batch, true);
        return ridge;
    }

    private void apply(RecursiveRidge ridge, int[] idx, int batch, boolean learn) {
        for (int start = 0; start < idx.length; start += batch) {
            int[] part = Arrays.copyOfRange(idx, start, Math.min(idx.length, start + batch));
            try (MemoryScope s = MemoryScope.open()) {
                if (learn) {
                    ridge.learn(rows(x, part), y(part));
                } else {
                    ridge.unlearn(rows(x, part), y(part));
                }
            }
        }
    }

    private void assertRetrained(RecursiveRidge ridge, int[] remaining, String what) {
        ClosedFormRidge want = ClosedFormRidge.of(rows(x, remaining), y(remaining), GAMMA);
        assertExact(ridge.R(), want.r(), what + ": R");
        assertExact(ridge.W(), want.w(), what + ": W");
    }

    @Test
    void startsFromIdentityOverGammaAndZeroWeights() {
        try (RecursiveRidge ridge = new RecursiveRidge(3, 2, 0.5)) {
            assertArrayEquals(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 2}, ridge.R().toDoubleArray());
            assertArrayEquals(new double[6], ridge.W().toDoubleArray());
        }
    }

    @Test
    void learningInAnyBatchSplitEqualsTheClosedForm() {
        for (int batch : new int[] {1, 7, 64, N}) {
            try (RecursiveRidge ridge = learned(all(N), batch)) {
                assertRetrained(ridge, all(N), "learned in batches of " + batch);
            }
        }
    }

    @Test
    void unlearningOneRequestEqualsRetrainingOnTheRest() {
        int[] forget = randomSubset(40, 3);
        try (RecursiveRidge ridge = learned(all(N), 64)) {
            apply(ridge, forget, 16, false);
            assertRetrained(ridge, without(all(N), forget), "after one request");
        }
    }

    @Test
    void unlearningAWholeClassZeroesItsColumn() {
        int c = 2;
        int[] forget = IntStream.range(0, N).filter(i -> labels[i] == c).toArray();
        try (RecursiveRidge ridge = learned(all(N), 64)) {
            apply(ridge, forget, 32, false);
            assertRetrained(ridge, without(all(N), forget), "after class " + c);
            double largest = 0;
            double column = 0;
            for (int i = 0; i < D; i++) {
                for (int k = 0; k < CLASSES; k++) {
                    double v = Math.abs(ridge.W().get(i, k));
                    largest = Math.max(largest, v);
                    if (k == c) {
                        column = Math.max(column, v);
                    }
                }
            }
            // No remaining sample has label c, so W[:, c] = R Σ x_i y_ic = 0 up to round-off.
            assertTrue(column <= 1e-12 * largest, "max |W[:, c]| = " + column + " vs max |W| = " + largest);
        }
    }

    @Test
    void aSequenceOfFiveRequestsStaysOnTheRetrainedSolution() {
        int[] remaining = all(N);
        Philox rng = new Philox(5);
        try (RecursiveRidge ridge = learned(all(N), 50)) {
            for (int request = 1; request <= 5; request++) {
                int[] order = rng.permutation(remaining.length);
                int[] forget = new int[20 + 5 * request];
                for (int i = 0; i < forget.length; i++) {
                    forget[i] = remaining[order[i]];
                }
                Arrays.sort(forget);
                apply(ridge, forget, 8 + request, false);
                remaining = without(remaining, forget);
                assertRetrained(ridge, remaining, "after request " + request);
            }
        }
    }

    @Test
    void unlearnsBatchesLargerThanTheDimensionInOneSolve() {
        // A 300×300 system: large enough that a threaded LU would need more than the JVM's default
        // thread stack; the Cholesky solve does not.
        int[] forget = randomSubset(300, 12);
        try (RecursiveRidge ridge = learned(all(N), N)) {
            apply(ridge, forget, forget.length, false);
            assertRetrained(ridge, without(all(N), forget), "after 300 samples in one batch");
        }
    }

    @Test
    void refusesToUnlearnWhatWasNeverLearned() {
        try (RecursiveRidge ridge = new RecursiveRidge(D, CLASSES, GAMMA)) {
            int[] idx = all(5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ridge.unlearn(rows(x, idx), y(idx)));
            assertTrue(e.getMessage().contains("not all learned"), e.getMessage());
            assertEquals(1 / GAMMA, ridge.R().get(0, 0), "the state is unchanged");
        }
    }

    @Test
    void anyBatchSplitOfARequestGivesTheSameResult() {
        int[] forget = randomSubset(60, 9);
        List<RecursiveRidge> results = new ArrayList<>();
        try (RecursiveRidge base = learned(all(N), N)) {
            for (int batch : new int[] {1, 13, 60}) {
                RecursiveRidge ridge = base.copy();
                apply(ridge, forget, batch, false);
                results.add(ridge);
            }
            for (RecursiveRidge r : results.subList(1, results.size())) {
                assertTrue(relativeError(r.W(), results.get(0).W()) <= EXACT, "W differs between batch splits");
                assertTrue(relativeError(r.R(), results.get(0).R()) <= EXACT, "R differs between batch splits");
            }
            // The base is untouched by its copies' updates.
            assertRetrained(base, all(N), "the copied-from state");
        } finally {
            results.forEach(RecursiveRidge::close);
        }
    }

    @Test
    void predictionsMatchTheRetrainedHeadOnATestSet() {
        int[] forget = randomSubset(100, 4);
        int[] remaining = without(all(N), forget);
        Tensor test = Tensor.randn(new Philox(77), DType.FLOAT64, 200, D).relu();
        try (RecursiveRidge ridge = learned(all(N), 64)) {
            apply(ridge, forget, 25, false);
            ClosedFormRidge want = ClosedFormRidge.of(rows(x, remaining), y(remaining), GAMMA);
            assertArrayEquals(test.matmul(want.w()).argmax(1, false).toLongArray(),
                    test.matmul(ridge.W()).argmax(1, false).toLongArray());
        }
    }

    @Test
    void learningBackWhatWasUnlearnedRestoresTheFullSolution() {
        int[] forget = randomSubset(50, 21);
        try (RecursiveRidge ridge = learned(all(N), 64)) {
            apply(ridge, forget, 10, false);
            apply(ridge, forget, 10, true);
            assertRetrained(ridge, all(N), "unlearned then learned again");
        }
    }

    @Test
    void symmetrisesR() {
        try (RecursiveRidge ridge = learned(all(N), 37)) {
            Tensor r = ridge.R();
            assertArrayEquals(r.toDoubleArray(), r.t().contiguous().toDoubleArray());
        }
    }

    @Test
    void rejectsBadShapesAndTypesBeforeAnyNativeCall() {
        try (RecursiveRidge ridge = new RecursiveRidge(D, CLASSES, GAMMA)) {
            Tensor good = rows(x, all(4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ridge.learn(Tensor.zeros(DType.FLOAT64, 4, D + 1), y(all(4))));
            assertTrue(e.getMessage().contains("[b, " + D + "]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ridge.unlearn(good, oneHot(new int[3], CLASSES)));
            assertTrue(e.getMessage().contains("Y must be [4, " + CLASSES + "]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ridge.learn(good.to(DType.FLOAT32), y(all(4))));
            assertTrue(e.getMessage().contains("float64"), e.getMessage());
            ridge.learn(Tensor.zeros(DType.FLOAT64, 0, D), Tensor.zeros(DType.FLOAT64, 0, CLASSES));
            assertEquals(1 / GAMMA, ridge.R().get(0, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new RecursiveRidge(4, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecursiveRidge(0, 2, 0.1));
        assertThrows(IllegalArgumentException.class,
                () -> RecursiveRidge.restore(Tensor.zeros(DType.FLOAT64, 3, 3), Tensor.zeros(DType.FLOAT64, 2, 2), 1));
    }

    private int[] randomSubset(int k, long seed) {
        int[] p = new Philox(seed).permutation(N);
        int[] s = Arrays.copyOf(p, k);
        Arrays.sort(s);
        return s;
    }
}
