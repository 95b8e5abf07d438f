package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.AdamW;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.unlearn.ssd.SelectiveDampening;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Whole models on the GPU: ResNet-18 (cifar stem, 3×32×32, batch 256) for 500 SGD steps and the
 * ViT for 200 AdamW steps, with the loss falling and the device memory in use the same after the
 * first steps and the last; their first loss and logits against the CPU on the same weights and
 * batch; and the fused optimizer and SSD updates against the composed ones on the CPU, bit for
 * bit. Prints the figures a GPU report needs (steps/s, allocator peak). Runs only where a CUDA
 * device exists.
 */
@Tag("gpu")
class GpuTrainingTest {
    private static final Device CUDA = new Device("cuda", 0);

    @BeforeAll
    static void requireDevice() {
        assumeTrue(Backends.all().stream().anyMatch(b -> b.name().equals("cuda") && b.isAvailable()),
                "no CUDA device here");
    }

    private static Backend cuda() {
        return Backends.forDevice(CUDA);
    }

    private static long deviceBytesInUse() {
        return ((Number) cuda().details().get("allocator_in_use_bytes")).longValue();
    }

    private static double relativeError(Tensor got, Tensor want) {
        double[] g = got.toDoubleArray();
        double[] w = want.toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < w.length; i++) {
            diff += (g[i] - w[i]) * (g[i] - w[i]);
            norm += w[i] * w[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** One step: zero grads, forward, mean cross-entropy, backward, update; the loss. */
    private static double step(Module model, Optimizer opt, Tensor images, Tensor labels) {
        try (MemoryScope scope = MemoryScope.open()) {
            opt.zeroGrad();
            Variable loss = model.forward(images).crossEntropy(labels, 0.0);
            loss.backward();
            opt.step();
            return loss.item();
        }
    }

    /**
     * Trains {@code spec} on the GPU over four fixed batches of a learnable task for {@code steps} steps and checks
     * the loss falls and device memory stays flat; compares the first forward with the CPU's.
     */
    private static void trainsOnTheGpu(String what, ModelSpec spec, int channels, int size, int batch, int steps,
                                       boolean adamw) {
        Philox rng = new Philox(11);
        Module cpuModel = spec.build(new Philox(3));
        Module model = spec.build(new Philox(3)).to(CUDA);
        List<Tensor> images = new java.util.ArrayList<>();
        List<Tensor> labels = new java.util.ArrayList<>();
        // a learnable task: each image is noise plus a fixed random pattern of its class
        Tensor patterns = Tensor.randn(rng, DType.FLOAT32, 10, channels, size, size);
        for (int b = 0; b < 4; b++) {
            Tensor y = Tensor.randint(rng, 0, 10, batch);
            Tensor noise = Tensor.randn(rng, DType.FLOAT32, batch, channels, size, size);
            images.add(MemoryScope.detach(noise.add(patterns.indexSelect(0, y))));
            labels.add(MemoryScope.detach(y));
        }
        // the same weights and batch give the CPU's logits (eval mode: running statistics)
        try (MemoryScope scope = MemoryScope.open(); NoGrad g = NoGrad.enter()) {
            cpuModel.eval();
            model.eval();
            Tensor want = cpuModel.forward(images.get(0)).value();
            Tensor got = model.forward(images.get(0).to(CUDA)).value();
            double err = relativeError(got, want);
            System.out.printf(Locale.ROOT, "%s: logits relative error against the CPU %.2e%n", what, err);
            assertTrue(err < 1e-4, what + ": logits differ from the CPU's by " + err);
            model.train();
        }
        List<Tensor> deviceImages = images.stream().map(t -> MemoryScope.detach(t.to(CUDA))).toList();
        List<Tensor> deviceLabels = labels.stream().map(t -> MemoryScope.detach(t.to(CUDA))).toList();
        Optimizer opt = adamw ? new AdamW(model.parameters(), 1e-3) : new Sgd(model.parameters(), 0.05, 0.9, false, 5e-4);
        double[] losses = new double[steps];
        long inUseAfterWarmup = -1;
        long start = 0;
        for (int s = 0; s < steps; s++) {
            losses[s] = step(model, opt, deviceImages.get(s % 4), deviceLabels.get(s % 4));
            assertTrue(Double.isFinite(losses[s]), what + ": loss " + losses[s] + " at step " + s);
            if (s == 9) {
                cuda().synchronize();
                inUseAfterWarmup = deviceBytesInUse();
                start = System.nanoTime();
            }
        }
        cuda().synchronize();
        double seconds = (System.nanoTime() - start) * 1e-9;
        long inUseAtEnd = deviceBytesInUse();
        double first = java.util.Arrays.stream(losses, 0, 20).average().orElseThrow();
        double last = java.util.Arrays.stream(losses, steps - 20, steps).average().orElseThrow();
        Map<String, Object> d = cuda().details();
        System.out.printf(Locale.ROOT, "%s: %d steps of batch %d, loss %.4f (first 20) -> %.4f (last 20), "
                        + "%.1f images/s, device memory in use %d bytes after step 10 and %d after step %d, "
                        + "allocator peak %d bytes, cached %d bytes%n", what, steps, batch, first, last,
                (steps - 10) * batch / seconds, inUseAfterWarmup, inUseAtEnd, steps, d.get("allocator_peak_bytes"),
                d.get("allocator_cached_bytes"));
        assertTrue(last < 0.7 * first, what + ": the loss did not fall: " + first + " -> " + last);
        assertEquals(inUseAfterWarmup, inUseAtEnd, what + ": device memory in use grew over the run");
        opt.close();
        model.to(Device.CPU);
    }

    @Test
    void resnet18TrainsFiveHundredStepsWithFallingLossAndFlatDeviceMemory() {
        trainsOnTheGpu("resnet18", ModelSpec.of("resnet18", Map.of("stem", "cifar", "in_channels", 3,
                "num_classes", 10)), 3, 32, 256, 500, false);
    }

    @Test
    void vitTrainsTwoHundredStepsWithFallingLoss() {
        trainsOnTheGpu("vit", ModelSpec.of("vit", Map.of("image_size", 32, "patch_size", 4, "in_channels", 3,
                "embed_dim", 192, "depth", 6, "num_heads", 3, "mlp_ratio", 4.0, "num_classes", 10)), 3, 32, 256, 200,
                true);
    }

    /** Parameters [64, 33] and [17], with gradients, on {@code device}. */
    private static List<Variable> parameters(Device device) {
        Philox rng = new Philox(21);
        List<Variable> ps = List.of(Variable.parameter(Tensor.randn(rng, DType.FLOAT32, 64, 33)),
                Variable.parameter(Tensor.randn(rng, DType.FLOAT32, 17)));
        for (Variable p : ps) {
            p.moveTo(device);
        }
        return ps;
    }

    private static void setGradients(List<Variable> ps, int step) {
        Philox rng = new Philox(100 + step);
        for (Variable p : ps) {
            Tensor g = Tensor.randn(rng, DType.FLOAT32, p.shape()).to(p.value().device());
            p.zeroGrad();
            p.mul(Variable.constant(g)).sum().backward(); // d/dp Σ p·g = g
        }
    }

    @Test
    void fusedSgdAndAdamwStepsEqualTheComposedOnesBitForBit() {
        for (int kind = 0; kind < 3; kind++) {
            List<Variable> host = parameters(Device.CPU);
            List<Variable> dev = parameters(CUDA);
            Optimizer a = kind == 0 ? new Sgd(host, 0.1, 0.9, true, 1e-2) : kind == 1 ? new Sgd(host, 0.1)
                    : new AdamW(host, 1e-2, 0.9, 0.999, 1e-8, 0.05);
            Optimizer b = kind == 0 ? new Sgd(dev, 0.1, 0.9, true, 1e-2) : kind == 1 ? new Sgd(dev, 0.1)
                    : new AdamW(dev, 1e-2, 0.9, 0.999, 1e-8, 0.05);
            for (int step = 0; step < 5; step++) {
                setGradients(host, step);
                setGradients(dev, step);
                a.step();
                b.step();
            }
            for (int i = 0; i < host.size(); i++) {
                assertArrayEquals(host.get(i).value().toFloatArray(), dev.get(i).value().toFloatArray(),
                        a + ": parameter " + i + " after 5 steps");
            }
            for (Map.Entry<String, Tensor> e : a.state().entrySet()) {
                assertArrayEquals(e.getValue().toDoubleArray(), b.state().get(e.getKey()).toDoubleArray(),
                        a + ": state " + e.getKey());
            }
        }
    }

    @Test
    void ssdDampensOnTheDeviceExactlyAsOnTheCpu() {
        ModelSpec spec = ModelSpec.of("mlp", Map.of("in_features", 20, "hidden", List.of(16), "num_classes", 4));
        Module cpu = spec.build(new Philox(5));
        Module gpu = spec.build(new Philox(5)).to(CUDA);
        Philox rng = new Philox(6);
        Map<String, Tensor> data = new LinkedHashMap<>();
        Map<String, Tensor> forget = new LinkedHashMap<>();
        cpu.namedParameters().forEach((name, p) -> {
            data.put(name, Tensor.randn(rng, DType.FLOAT32, p.shape()).abs());
            forget.put(name, Tensor.randn(rng, DType.FLOAT32, p.shape()).abs().mul(2));
        });
        Map<String, Tensor> dataDev = new LinkedHashMap<>();
        Map<String, Tensor> forgetDev = new LinkedHashMap<>();
        data.forEach((k, v) -> dataDev.put(k, v.to(CUDA)));
        forget.forEach((k, v) -> forgetDev.put(k, v.to(CUDA)));
        SelectiveDampening rule = new SelectiveDampening(1.0, 1.0);
        SelectiveDampening.Outcome want = rule.apply(cpu, data, forget);
        SelectiveDampening.Outcome got = rule.apply(gpu, dataDev, forgetDev);
        assertEquals(want.selected(), got.selected());
        assertArrayEquals(want.factors(), got.factors());
        assertEquals(want.changed(), got.changed());
        cpu.namedParameters().forEach((name, p) -> assertArrayEquals(p.value().toFloatArray(),
                gpu.namedParameters().get(name).value().toFloatArray(), name));
    }
}
