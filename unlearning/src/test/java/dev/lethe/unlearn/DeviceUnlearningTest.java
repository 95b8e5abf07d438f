package dev.lethe.unlearn;

import static dev.lethe.unlearn.baseline.TinyProblem.assertSameBits;
import static dev.lethe.unlearn.baseline.TinyProblem.bits;
import static dev.lethe.unlearn.baseline.TinyProblem.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.testing.EmulatedDeviceBackend;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.analytic.AnalyticHead;
import dev.lethe.unlearn.analytic.AnalyticUnlearning;
import dev.lethe.unlearn.baseline.TinyProblem;
import dev.lethe.unlearn.eval.Predictions;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every unlearning method run on a model moved to another device gives, bit for bit, what it
 * gives on the CPU, and leaves its result on that device. The device is the emulated
 * {@code test:0} (CPU arithmetic behind device labels), so equal results prove that the methods
 * keep every tensor they make where the model is: a stray host tensor fails a same-device check.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class DeviceUnlearningTest {
    private static final Device TEST = EmulatedDeviceBackend.DEVICE;
    private static TrainedModel onCpu;

    @BeforeAll
    static void train() throws IOException {
        onCpu = TinyProblem.original();
    }

    private static TrainedModel onDevice(TrainedModel model) {
        TrainedModel copy = model.copy();
        copy.network().to(TEST);
        return copy;
    }

    private static Hyperparameters settings(String method) {
        return switch (method) {
            case "retrain" -> Hyperparameters.none();
            case "ssd" -> set("alpha", 2.0, "batch_size", 16);
            case "salun" -> set("ratio", 0.3, "batch_size", 32, "epochs", 2);
            default -> set("batch_size", 32, "epochs", 2);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"retrain", "ft", "ga", "rl", "l1", "ssd", "salun"})
    void aMethodGivesTheSameModelOnTheDevice(String method) throws IOException {
        for (UnlearningRequest request : new UnlearningRequest[] {TinyProblem.forgetClass(3), TinyProblem.forgetRandom()}) {
            try (MemoryScope scope = MemoryScope.open()) {
                TrainedModel original = onDevice(onCpu);
                UnlearningResult cpu = UnlearningMethods.create(method, settings(method))
                        .unlearn(onCpu, request, Progress.none());
                long fused = EmulatedDeviceBackend.fusedUpdates();
                UnlearningResult device = UnlearningMethods.create(method, settings(method))
                        .unlearn(original, request, Progress.none());
                if (method.equals("ssd")) {
                    assertTrue(EmulatedDeviceBackend.fusedUpdates() > fused, "SSD dampened in the fused pass");
                }
                assertEquals(TEST, device.model().network().device(), method + " leaves its result on the device");
                assertEquals(TEST, original.network().device(), method + " leaves the original where it was");
                assertSameBits(bits(cpu.model().network()), bits(device.model().network()), method);
                assertEquals(cpu.record().parametersChanged(), device.record().parametersChanged(), method);
                Dataset forget = request.forgetData();
                Predictions p = Predictions.of(cpu.model().network(), forget, 64);
                Predictions q = Predictions.of(device.model().network(), forget, 64);
                assertArrayEquals(p.predicted(), q.predicted(), method + " predictions");
                assertArrayEquals(p.trueClassProbability(), q.trueClassProbability(), method + " probabilities");
                cpu.model().release();
                device.model().release();
                original.release();
            }
        }
    }

    @Test
    void theAnalyticHeadFitsAndForgetsOverADeviceBackbone() throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            Dataset data = TinyProblem.data();
            TrainedModel original = onDevice(onCpu);
            AnalyticHead cpuHead = AnalyticHead.fit(onCpu.network(), onCpu.spec(), data, 64, 0.1, 3, 64,
                    Progress.none());
            AnalyticHead deviceHead = AnalyticHead.fit(original.network(), original.spec(), data, 64, 0.1, 3, 64,
                    Progress.none());
            assertArrayEquals(cpuHead.ridge().W().toDoubleArray(), deviceHead.ridge().W().toDoubleArray());

            UnlearningRequest request = TinyProblem.forgetClass(2);
            UnlearningResult cpu = new AnalyticUnlearning(Hyperparameters.none())
                    .unlearn(onCpu.withAnalytic(cpuHead), request, Progress.none());
            UnlearningResult device = new AnalyticUnlearning(Hyperparameters.none())
                    .unlearn(original.withAnalytic(deviceHead), request, Progress.none());
            assertArrayEquals(cpu.model().analytic().ridge().W().toDoubleArray(),
                    device.model().analytic().ridge().W().toDoubleArray());

            Module cpuClassifier = cpu.model().analytic().classifier(cpu.model().network(), onCpu.spec());
            Module deviceClassifier = device.model().analytic().classifier(device.model().network(), onCpu.spec());
            Predictions p = Predictions.of(cpuClassifier, data, 64);
            Predictions q = Predictions.of(deviceClassifier, data, 64);
            assertArrayEquals(p.predicted(), q.predicted());
            assertArrayEquals(p.trueClassProbability(), q.trueClassProbability());
            for (AnalyticHead h : new AnalyticHead[] {cpuHead, deviceHead, cpu.model().analytic(),
                    device.model().analytic()}) {
                h.close();
            }
            for (Tensor t : original.network().stateDict().values()) {
                t.close();
            }
        }
    }
}
