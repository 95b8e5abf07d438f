package dev.lethe.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schedules against the rates torch.optim.lr_scheduler gives each step (relative 1e-12). */
class ScheduleReferenceTest {
    private static OptimReference ref;

    @BeforeAll
    static void load() {
        ref = OptimReference.load();
    }

    @AfterAll
    static void free() {
        ref.close();
    }

    @Test
    void stepDecayMatchesStepLR() {
        check(new StepDecay(0.1, 3, 0.5), "sched/step_decay");
    }

    @Test
    void cosinePartMatchesCosineAnnealingLR() {
        check(new WarmupCosine(0.1, 0, 10, 0.001), "sched/cosine");
    }

    @Test
    void warmupCosineMatchesItsFormulaAsLambdaLR() {
        check(new WarmupCosine(0.1, 5, 20, 0.001), "sched/warmup_cosine");
    }

    @Test
    void warmupStartsAtZeroAndPeaksAtTheEndOfWarmup() {
        WarmupCosine s = new WarmupCosine(0.2, 4, 12, 0.0);
        assertEquals(0.0, s.learningRate(0));
        assertEquals(0.1, s.learningRate(2), 1e-15);
        assertEquals(0.2, s.learningRate(4), 1e-15);
        assertEquals(0.1, s.learningRate(8), 1e-15);
        assertEquals(0.0, s.learningRate(12));
        assertEquals(0.0, s.learningRate(1000));
        assertEquals(0.05, new Constant(0.05).learningRate(77));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(0.1, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(0.1, 0, 10, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new StepDecay(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Constant(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new StepDecay(0.1, 1, 0.5).learningRate(-1));
    }

    private static void check(LrSchedule schedule, String name) {
        double[] expected = ref.tensor(name).toDoubleArray();
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], schedule.learningRate(t), 1e-12 * Math.abs(expected[t]) + 1e-18, name + " step " + t);
        }
    }
}
