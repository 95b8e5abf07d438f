package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Training-step throughput (forward, backward, plain SGD update) of the three models at batch
 * 128 on 1×28×28 input, for comparison with PyTorch on the same machine. Off by default; run
 * with {@code -Dlethe.timing=mlp,resnet18,vit}. JMH remains the authority for kernel timings.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class TrainingStepTiming {
    @Test
    void report() {
        String which = System.getProperty("lethe.timing", "");
        if (which.isEmpty()) {
            return;
        }
        Map<String, ModelSpec> specs = Map.of(
                "mlp", ModelSpec.of("mlp"),
                "resnet18", ModelSpec.of("resnet18"),
                "vit", ModelSpec.of("vit"));
        Map<String, Integer> steps = Map.of(
                "mlp", Integer.getInteger("lethe.timing.mlp", 200),
                "resnet18", Integer.getInteger("lethe.timing.resnet18", 4),
                "vit", Integer.getInteger("lethe.timing.vit", 10));
        for (String name : List.of(which.split(","))) {
            Module model = specs.get(name).build(new Philox(1));
            model.train();
            try (MemoryScope outer = MemoryScope.open()) {
                Tensor x = Tensor.randn(new Philox(2), DType.FLOAT32, 128, 1, 28, 28);
                Tensor y = Tensor.randint(new Philox(3), 0, 10, 128);
                for (int i = 0; i < 3; i++) {
                    step(model, x, y);
                }
                int n = steps.get(name);
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                for (int i = 0; i < n; i++) {
                    step(model, x, y);
                }
                double dt = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuNanos() - c0) / 1e9;
                System.out.printf(Locale.ROOT, "%-9s %.2f steps/s (%.1f ms/step, %.1f ms CPU/step)%n", name, n / dt,
                        1000 * dt / n, 1000 * cpu / n);
            }
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void step(Module model, Tensor x, Tensor y) {
        try (MemoryScope scope = MemoryScope.open()) {
            model.zeroGrad();
            model.forward(x).crossEntropy(y, 0.0).backward();
            for (Variable p : model.parameters()) {
                p.value().sub_(p.grad().mul(0.01));
            }
        }
    }
}
