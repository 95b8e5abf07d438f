package dev.lethe.unlearn.salun;

import static dev.lethe.unlearn.baseline.TinyProblem.assertSameBits;
import static dev.lethe.unlearn.baseline.TinyProblem.bits;
import static dev.lethe.unlearn.baseline.TinyProblem.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Evaluation;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import dev.lethe.unlearn.baseline.TinyProblem;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SalUn end to end on a small problem: the mask holds, the original is untouched, the class is forgotten. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SaliencyUnlearningTest {
    private static TrainedModel original;
    private static UnlearningRequest forgetClass3;

    @BeforeAll
    static void train() throws IOException {
        original = TinyProblem.original();
        forgetClass3 = TinyProblem.forgetClass(3);
    }

    /**
     * With weight decay and momentum on, the masked-out weights would drift; they must come back
     * bit-identical, while the selected ones move. The mask is recomputed here from the original.
     */
    @Test
    void wholeClassRequestsTakeTheShortDefaultsUnlessGiven() {
        try (MemoryScope scope = MemoryScope.open()) {
            Map<String, Object> s = new SaliencyUnlearning(set("batch_size", 32))
                    .unlearn(original, forgetClass3, Progress.none()).record().statistics();
            assertEquals(1, s.get("epochs"));
            assertEquals(0.3, s.get("retain_fraction"));
            s = new SaliencyUnlearning(set("batch_size", 32, "retain_fraction", 0.5))
                    .unlearn(original, forgetClass3, Progress.none()).record().statistics();
            assertEquals(0.5, s.get("retain_fraction"));
        }
    }

    @Test
    void maskedOutWeightsStayBitIdenticalAndTheClassIsForgotten() {
        try (MemoryScope scope = MemoryScope.open()) {
            Map<String, int[]> before = bits(original.network());
            UnlearningResult r = new SaliencyUnlearning(set("ratio", 0.3, "batch_size", 32, "seed", 2, "epochs", 10))
                    .unlearn(original, forgetClass3, Progress.none());
            assertSameBits(before, bits(original.network()), "the original changed");
            SaliencyMask mask = SaliencyMask.topK(SaliencyMap.compute(original.copy().network(),
                    forgetClass3.forgetData(), 32, Progress.none()), 0.3);
            Map<String, int[]> after = bits(r.model().network());
            long moved = 0;
            for (Map.Entry<String, Tensor> m : mask.masks().entrySet()) {
                float[] keep = m.getValue().toFloatArray();
                int[] b = before.get(m.getKey());
                int[] a = after.get(m.getKey());
                for (int i = 0; i < keep.length; i++) {
                    if (keep[i] == 0) {
                        assertEquals(b[i], a[i], m.getKey() + "[" + i + "] is masked out but changed");
                    } else if (a[i] != b[i]) {
                        moved++;
                    }
                }
            }
            assertEquals(moved, r.record().parametersChanged());
            assertTrue(moved > 0.9 * mask.selected(), moved + " of " + mask.selected() + " selected weights moved");
            Map<String, Object> s = r.record().statistics();
            assertEquals(0.3, s.get("ratio"));
            assertEquals(mask.selected(), s.get("selected"));
            assertEquals((double) mask.threshold(), s.get("threshold"));
            assertEquals(mask.density(), s.get("density"));
            assertEquals(0.013, s.get("lr"));
            assertEquals(10, s.get("epochs"));
            assertFalse(r.model().network().isTraining());

            double forgetBefore = Evaluation.of(original.network(), forgetClass3.forgetData(), 256).accuracy();
            double forgetAfter = Evaluation.of(r.model().network(), forgetClass3.forgetData(), 256).accuracy();
            double retainAfter = Evaluation.of(r.model().network(), forgetClass3.retainData(), 256).accuracy();
            System.out.printf("salun on the tiny problem: forget accuracy %.3f -> %.3f, retain accuracy %.3f%n",
                    forgetBefore, forgetAfter, retainAfter);
            assertTrue(forgetAfter < 0.5 && retainAfter > 0.8, forgetAfter + " / " + retainAfter);
        }
    }

    @Test
    void deterministicGivenTheSeedAndPassesCountTheSaliencyAndTheSample() {
        Hyperparameters h = set("epochs", 2, "retain_fraction", 0.25, "batch_size", 64);
        UnlearningResult a = new SaliencyUnlearning(h).unlearn(original, forgetClass3, Progress.none());
        UnlearningResult b = new SaliencyUnlearning(h).unlearn(original, forgetClass3, Progress.none());
        assertSameBits(bits(a.model().network()), bits(b.model().network()), "same seed");
        UnlearningResult c = new SaliencyUnlearning(h.with("seed", 1)).unlearn(original, forgetClass3,
                Progress.none());
        assertFalse(java.util.Arrays.equals(bits(a.model().network()).get("fc1.weight"),
                bits(c.model().network()).get("fc1.weight")), "another seed");
        int f = forgetClass3.forget().size();
        int sampled = (int) Math.floor(0.25 * (TinyProblem.SIZE - f));
        assertEquals((f + 2.0 * (f + sampled)) / TinyProblem.SIZE, a.record().passes(), 1e-12);
        assertEquals(0.25, a.record().statistics().get("retain_fraction"));
    }

    @Test
    void saliencyRestoresTheModeAndNeedsABatch() {
        try (MemoryScope scope = MemoryScope.open()) {
            TrainedModel copy = original.copy();
            copy.network().eval();
            LinkedHashMap<String, Tensor> g = SaliencyMap.compute(copy.network(), forgetClass3.forgetData(), 7,
                    Progress.none());
            assertFalse(copy.network().isTraining());
            assertEquals(copy.network().namedParameters().keySet(), g.keySet());
            assertThrows(IllegalArgumentException.class,
                    () -> SaliencyMap.compute(copy.network(), forgetClass3.forgetData(), 0, Progress.none()));
        }
    }

    @Test
    void badHyperparametersAreRejectedNamingTheKey() {
        Object[][] bad = {{"ratio", 0}, {"ratio", 1.01}, {"retain_fraction", 0}, {"retain_fraction", 2},
                {"lr", 0}, {"epochs", 0}, {"batch_size", 0}, {"momentum", 1}, {"weight_decay", -1}, {"gamma", 1}};
        for (Object[] kv : bad) {
            InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                    () -> new SaliencyUnlearning(set(kv[0], kv[1])), kv[0] + "=" + kv[1]);
            assertTrue(e.getMessage().contains((String) kv[0]), e.getMessage());
        }
        // a ratio that selects less than one of the N = 276 parameters is found when N is known
        SaliencyUnlearning tiny = new SaliencyUnlearning(set("ratio", 0.003));
        Map<String, int[]> before = bits(original.network());
        InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                () -> tiny.unlearn(original, forgetClass3, Progress.none()));
        assertTrue(e.getMessage().contains("N = 276"), e.getMessage());
        assertSameBits(before, bits(original.network()), "the original after a failed call");
    }
}
