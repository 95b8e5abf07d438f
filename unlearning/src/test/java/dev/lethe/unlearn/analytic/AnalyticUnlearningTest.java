package dev.lethe.unlearn.analytic;

import static dev.lethe.unlearn.analytic.AnalyticHeadTest.CLASSES;
import static dev.lethe.unlearn.analytic.AnalyticHeadTest.D;
import static dev.lethe.unlearn.analytic.AnalyticHeadTest.GAMMA;
import static dev.lethe.unlearn.analytic.AnalyticHeadTest.N;
import static dev.lethe.unlearn.analytic.AnalyticHeadTest.SEED;
import static dev.lethe.unlearn.analytic.AnalyticHeadTest.SPEC;
import static dev.lethe.unlearn.analytic.ClosedFormRidge.assertExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.BadRequestException;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ACU as an {@link dev.lethe.unlearn.Unlearner}: what it returns, records and refuses. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class AnalyticUnlearningTest {
    private MemoryScope scope;
    private Dataset data;
    private TrainedModel original;

    @BeforeEach
    void setUp() {
        scope = MemoryScope.open();
        data = AnalyticHeadTest.synthetic(N, 1, "train");
        Module network = AnalyticHeadTest.network();
        AnalyticHead head = AnalyticHead.fit(network, SPEC, data, D, GAMMA, SEED, 64, Progress.none());
        original = TrainedModel.of(SPEC, network, TrainingRecipe.defaults("mlp"), 4).withAnalytic(head);
    }

    @AfterEach
    void tearDown() {
        original.analytic().close();
        scope.close();
    }

    private UnlearningRequest classRequest(int c) {
        int[] idx = IntStream.range(0, N).filter(i -> data.label(i) == c).toArray();
        return new UnlearningRequest(data, ForgetSet.of(idx, N, "class:" + c), false);
    }

    @Test
    void forgetsAWholeClassFromACopyAndRecordsIt() {
        UnlearningRequest request = classRequest(2);
        int forgotten = request.forget().size();
        double[] before = original.analytic().ridge().W().toDoubleArray();
        UnlearningResult result = new AnalyticUnlearning(Hyperparameters.none()).unlearn(original, request,
                Progress.none());
        TrainedModel model = result.model();
        try (AnalyticHead head = model.analytic()) {
            assertNotSame(original, model);
            assertNotSame(original.analytic(), head);
            // The original is untouched, and so are the network's weights in the copy.
            assertEquals(N, original.analytic().count());
            assertArrayEquals(before, original.analytic().ridge().W().toDoubleArray());
            Map<String, Tensor> a = original.network().stateDict();
            model.network().stateDict().forEach((name, t) ->
                    assertArrayEquals(a.get(name).toFloatArray(), t.toFloatArray(), name));
            assertFalse(model.network().isTraining());

            assertEquals(N - forgotten, head.count());
            int[] remaining = request.forget().retainIndices();
            try (Backbone backbone = Backbone.of(model.network(), SPEC)) {
                Tensor x = head.buffer().apply(backbone.features(data.images(remaining)));
                ClosedFormRidge want = ClosedFormRidge.of(x, AnalyticHead.oneHot(data, remaining, CLASSES), GAMMA);
                assertExact(head.ridge().W(), want.w(), "W after class 2");
                assertExact(head.ridge().R(), want.r(), "R after class 2");
            }

            UnlearningRecord record = result.record();
            assertEquals("acu", record.method());
            assertEquals(0, record.parametersChanged());
            assertEquals((double) forgotten / N, record.passes());
            assertTrue(record.seconds() > 0);
            Map<String, Object> stats = record.statistics();
            assertEquals(List.of("buffer_size", "gamma", "count_before", "count_after", "forgotten_classes",
                    "max_abs_forgotten_class_weight"), List.copyOf(stats.keySet()));
            assertEquals(D, stats.get("buffer_size"));
            assertEquals(GAMMA, stats.get("gamma"));
            assertEquals((long) N, stats.get("count_before"));
            assertEquals((long) (N - forgotten), stats.get("count_after"));
            assertEquals(List.of(2), stats.get("forgotten_classes"));
            double largest = head.ridge().W().abs().max().item();
            assertTrue((double) stats.get("max_abs_forgotten_class_weight") <= 1e-12 * largest,
                    "max |W[:, 2]| = " + stats.get("max_abs_forgotten_class_weight"));
            assertEquals(0, head.maskedClasses().length);
        }
    }

    @Test
    void aRandomRequestForgetsNoWholeClass() {
        int[] idx = {0, 5, 17, 99, 250};
        UnlearningRequest request = new UnlearningRequest(data, ForgetSet.of(idx, N, "indices"), false);
        UnlearningResult result = new AnalyticUnlearning(Hyperparameters.of(Map.of("batch_size", "2")))
                .unlearn(original, request, Progress.none());
        try (AnalyticHead head = result.model().analytic()) {
            assertFalse(result.record().statistics().containsKey("max_abs_forgotten_class_weight"));
            assertEquals(N - 5, head.count());
            for (int i : idx) {
                assertFalse(head.isLearned(i));
            }
        }
    }

    @Test
    void masksForgottenClassesWhenAsked() {
        UnlearningResult result = new AnalyticUnlearning(Hyperparameters.of(Map.of("mask_classes", "true")))
                .unlearn(original, classRequest(3), Progress.none());
        try (AnalyticHead head = result.model().analytic()) {
            assertArrayEquals(new int[] {3}, head.maskedClasses());
            assertEquals(List.of(3), result.record().statistics().get("masked_classes"));
            assertEquals(0, original.analytic().maskedClasses().length);
        }
    }

    @Test
    void continualRequestsComposeThroughTheReturnedModels() {
        UnlearningResult first = new AnalyticUnlearning(Hyperparameters.none()).unlearn(original, classRequest(0),
                Progress.none());
        try (AnalyticHead firstHead = first.model().analytic()) {
            BadRequestException e = assertThrows(BadRequestException.class, () -> new AnalyticUnlearning(
                    Hyperparameters.none()).unlearn(first.model(), classRequest(0), Progress.none()));
            assertTrue(e.getMessage().contains("is not learned"), e.getMessage());
            UnlearningResult second = new AnalyticUnlearning(Hyperparameters.none()).unlearn(first.model(),
                    classRequest(1), Progress.none());
            try (AnalyticHead head = second.model().analytic()) {
                assertEquals(List.of(1), second.record().statistics().get("forgotten_classes"));
                assertEquals(firstHead.count() - classRequest(1).forget().size(), head.count());
            }
        }
    }

    @Test
    void refusesAModelWithoutAHead() {
        TrainedModel plain = original.withAnalytic(null);
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> new AnalyticUnlearning(Hyperparameters.none()).unlearn(plain, classRequest(0), Progress.none()));
        assertTrue(e.getMessage().contains("has no analytic head; attach one with `lethe analytic fit`"),
                e.getMessage());
    }

    @Test
    void checksItsHyperparameters() {
        assertEquals("acu", new AnalyticUnlearning(Hyperparameters.none()).name());
        InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                () -> new AnalyticUnlearning(Hyperparameters.of(Map.of("batchsize", "8"))));
        assertTrue(e.getMessage().contains("batchsize") && e.getMessage().contains("batch_size, mask_classes"),
                e.getMessage());
        assertThrows(InvalidHyperparameterException.class,
                () -> new AnalyticUnlearning(Hyperparameters.of(Map.of("batch_size", "0"))));
        assertThrows(InvalidHyperparameterException.class,
                () -> new AnalyticUnlearning(Hyperparameters.of(Map.of("mask_classes", "maybe"))));
    }
}
