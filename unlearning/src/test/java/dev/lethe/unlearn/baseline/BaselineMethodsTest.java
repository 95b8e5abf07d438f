package dev.lethe.unlearn.baseline;

import static dev.lethe.unlearn.baseline.TinyProblem.assertSameBits;
import static dev.lethe.unlearn.baseline.TinyProblem.bits;
import static dev.lethe.unlearn.baseline.TinyProblem.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.nn.Module;
import dev.lethe.train.Evaluation;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.BadRequestException;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** retrain, ft, ga, rl and l1 on a small problem: what each promises, and what all of them share. */
class BaselineMethodsTest {
    private static TrainedModel original;
    private static UnlearningRequest forgetClass3;

    @BeforeAll
    static void train() throws IOException {
        original = TinyProblem.original();
        forgetClass3 = TinyProblem.forgetClass(3);
    }

    @Test
    void retrainIsTheRecipeRunOnTheRetainedData() throws IOException {
        UnlearningResult r = new Retrain(Hyperparameters.none()).unlearn(original, forgetClass3, Progress.none());
        Module expected = TinyProblem.RECIPE.train(TinyProblem.SPEC, forgetClass3.retainData(), TinyProblem.SEED,
                Progress.none());
        assertSameBits(bits(expected), bits(r.model().network()), "retrain vs TrainingRecipe.train on D_r");
        assertFalse(r.model().network().isTraining());
        assertEquals(TinyProblem.SEED, r.model().seed());
        int retained = forgetClass3.retainData().size();
        assertEquals(4.0 * retained / TinyProblem.SIZE, r.record().passes(), 1e-12);
        assertEquals(TinyProblem.RECIPE.lr(), r.record().statistics().get("lr"));
        assertEquals(4, r.record().statistics().get("epochs"));
        assertTrue(r.record().parametersChanged() > 0);

        UnlearningResult other = new Retrain(set("seed", 5)).unlearn(original, forgetClass3, Progress.none());
        assertSameBits(bits(TinyProblem.RECIPE.train(TinyProblem.SPEC, forgetClass3.retainData(), 5, Progress.none())),
                bits(other.model().network()), "retrain from another seed");
    }

    /** ℓ1 with γ = 0 is ft: one loop, configured differently. */
    @Test
    void l1WithoutPenaltyIsFineTuningAndThePenaltyShrinksTheWeights() {
        UnlearningResult ft = new FineTune(set("epochs", 3)).unlearn(original, forgetClass3, Progress.none());
        UnlearningResult l1Zero = new L1Sparse(set("epochs", 3, "gamma", 0)).unlearn(original, forgetClass3,
                Progress.none());
        UnlearningResult l1 = new L1Sparse(set("epochs", 3, "gamma", 0.05)).unlearn(original, forgetClass3,
                Progress.none());
        assertSameBits(bits(ft.model().network()), bits(l1Zero.model().network()), "l1 with gamma 0 vs ft");
        assertTrue(l1Norm(l1.model().network()) < l1Norm(ft.model().network()) - 1,
                "l1 " + l1Norm(l1.model().network()) + " vs ft " + l1Norm(ft.model().network()));
        assertEquals(0.05, l1.record().statistics().get("gamma"));
        assertEquals(3.0 * forgetClass3.retainData().size() / TinyProblem.SIZE, ft.record().passes(), 1e-12);
    }

    private static double l1Norm(Module m) {
        double s = 0;
        for (Variable p : m.parameters()) {
            for (float v : p.value().toFloatArray()) {
                s += Math.abs(v);
            }
        }
        return s;
    }

    @Test
    void gradientAscentRaisesTheForgetLoss() {
        double before = Evaluation.of(original.network(), forgetClass3.forgetData(), 256).loss();
        for (Hyperparameters h : List.of(Hyperparameters.none(), set("lr", 0.01))) {
            UnlearningResult r = new GradientAscent(h).unlearn(original, forgetClass3, Progress.none());
            double after = Evaluation.of(r.model().network(), forgetClass3.forgetData(), 256).loss();
            assertTrue(after > before, h + ": forget loss " + before + " -> " + after);
            assertEquals(5.0 * forgetClass3.forget().size() / TinyProblem.SIZE, r.record().passes(), 1e-12);
        }
        UnlearningRequest noRetain = new UnlearningRequest(forgetClass3.data(), forgetClass3.forget(), false);
        new GradientAscent(Hyperparameters.none()).unlearn(original, noRetain, Progress.none()); // needs no D_r
        assertThrows(BadRequestException.class,
                () -> new FineTune(Hyperparameters.none()).unlearn(original, noRetain, Progress.none()));
    }

    @Test
    void randomLabelsForgetTheClassAndRetainFractionCutsTheRetainPass() {
        double before = Evaluation.of(original.network(), forgetClass3.forgetData(), 256).accuracy();
        UnlearningResult r = new RandomLabels(set("retain_fraction", 0.5)).unlearn(original, forgetClass3,
                Progress.none());
        double after = Evaluation.of(r.model().network(), forgetClass3.forgetData(), 256).accuracy();
        System.out.printf("rl on the tiny problem: forget accuracy %.3f -> %.3f%n", before, after);
        assertTrue(before > 0.9 && after < 0.5, "forget accuracy " + before + " -> " + after);
        int f = forgetClass3.forget().size();
        int sampled = (int) Math.floor(0.5 * (TinyProblem.SIZE - f));
        assertEquals(10.0 * (f + sampled) / TinyProblem.SIZE, r.record().passes(), 1e-12);
        assertEquals(0.5, r.record().statistics().get("retain_fraction"));
    }

    @Test
    void everyMethodLeavesTheOriginalAloneAndIsDeterministic() throws IOException {
        original.network().train();
        Map<String, int[]> before = bits(original.network());
        UnlearningRequest random = TinyProblem.forgetRandom();
        Hyperparameters h = set("epochs", 2, "seed", 3);
        List<Unlearner> methods = List.of(new Retrain(Hyperparameters.none()), new FineTune(h),
                new GradientAscent(h), new RandomLabels(h), new L1Sparse(h));
        for (Unlearner u : methods) {
            UnlearningResult a = u.unlearn(original, random, Progress.none());
            UnlearningResult b = u.unlearn(original, random, Progress.none());
            assertSameBits(before, bits(original.network()), u.name() + ": the original changed");
            assertTrue(original.network().isTraining(), u.name() + ": the original's mode changed");
            assertFalse(a.model().network().isTraining(), u.name() + ": the result is not in eval mode");
            assertSameBits(bits(a.model().network()), bits(b.model().network()), u.name() + ": not deterministic");
            assertNull(a.model().analytic());
            for (Variable p : a.model().network().parameters()) {
                assertNull(p.grad(), u.name() + ": gradients left behind");
            }
            assertEquals(u.name(), a.record().method());
            assertTrue(a.record().seconds() > 0 && a.record().parametersChanged() > 0, u.name() + " " + a.record());
            assertEquals(UnlearningRun.parametersChanged(original.network(), a.model().network()),
                    a.record().parametersChanged());
        }
        original.network().eval();
        UnlearningResult seed3 = new FineTune(set("epochs", 1, "seed", 3)).unlearn(original, random, Progress.none());
        UnlearningResult seed4 = new FineTune(set("epochs", 1, "seed", 4)).unlearn(original, random, Progress.none());
        assertFalse(Arrays.equals(bits(seed3.model().network()).get("fc1.weight"),
                bits(seed4.model().network()).get("fc1.weight")), "the seed orders the data");
    }

    /** Like the trainer: one phase per epoch, one step per batch of every pass. */
    @Test
    void progressReportsEveryEpochAndStep() {
        List<String> events = new java.util.ArrayList<>();
        Progress recorder = new Progress() {
            @Override
            public void begin(String label, int steps) {
                events.add(label + " " + steps);
            }

            @Override
            public void advance(int images, double loss) {
                events.add("step");
            }

            @Override
            public void end(String summary) {
                events.add("end " + summary.substring(0, summary.indexOf(',')));
            }
        };
        new RandomLabels(set("epochs", 2, "batch_size", 50)).unlearn(original, forgetClass3, recorder);
        int f = forgetClass3.forget().size();
        int batches = (f + 49) / 50 + (TinyProblem.SIZE - f + 49) / 50;
        assertEquals("epoch 1/2 " + batches, events.get(0));
        assertEquals(2 * (batches + 2), events.size());
        assertEquals(batches, events.subList(0, batches + 2).stream().filter("step"::equals).count());
        assertTrue(events.get(batches + 1).startsWith("end forget (random labels) loss"), events.get(batches + 1));
        assertEquals("epoch 2/2 " + batches, events.get(batches + 2));
    }

    @Test
    void badHyperparametersAreRejectedNamingTheKey() {
        List<Function<Hyperparameters, Unlearner>> finetuners = List.of(FineTune::new, GradientAscent::new,
                RandomLabels::new, L1Sparse::new);
        Object[][] bad = {{"lr", 0}, {"lr", -1}, {"lr", "NaN"}, {"epochs", 0}, {"batch_size", 0},
                {"momentum", 1}, {"momentum", -0.1}, {"weight_decay", -1}, {"seed", "x"}, {"epoch", 3}};
        for (Function<Hyperparameters, Unlearner> method : finetuners) {
            for (Object[] kv : bad) {
                InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                        () -> method.apply(set(kv[0], kv[1])), kv[0] + "=" + kv[1]);
                assertTrue(e.getMessage().contains((String) kv[0]), e.getMessage());
            }
        }
        assertThrows(InvalidHyperparameterException.class, () -> new L1Sparse(set("gamma", -1e-4)));
        assertThrows(InvalidHyperparameterException.class, () -> new RandomLabels(set("retain_fraction", 0)));
        assertThrows(InvalidHyperparameterException.class, () -> new RandomLabels(set("retain_fraction", 1.5)));
        assertThrows(InvalidHyperparameterException.class, () -> new FineTune(set("gamma", 1e-4)), "ft has no gamma");
        assertThrows(InvalidHyperparameterException.class, () -> new FineTune(set("retain_fraction", 0.5)));
        assertThrows(InvalidHyperparameterException.class, () -> new Retrain(set("lr", 0.1)));
        assertThrows(InvalidHyperparameterException.class, () -> new Retrain(set("seed", "one")));
    }
}
