package dev.lethe.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Five steps of each optimizer on a fixed parameter set with fixed gradients, against PyTorch
 * doing the same in the same dtype. Tolerance per tensor, ‖ours − torch‖ / ‖torch‖: 1e-6 in
 * float64 (where both are exact to rounding, the differences are ~1e-16) and 1e-5 in float32
 * (PyTorch's fused multiply-adds round differently from separate products and sums).
 */
class OptimizerReferenceTest {
    private static final int STEPS = 5;
    private static final int PARAMS = 3;

    private static OptimReference ref;

    @BeforeAll
    static void load() {
        ref = OptimReference.load();
    }

    @AfterAll
    static void free() {
        ref.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sgd_plain, FLOAT32", "sgd_plain, FLOAT64", "sgd_momentum, FLOAT32", "sgd_momentum, FLOAT64",
            "sgd_nesterov, FLOAT32", "sgd_nesterov, FLOAT64", "adamw, FLOAT32", "adamw, FLOAT64",
            "adamw_varying_lr, FLOAT32", "adamw_varying_lr, FLOAT64"})
    void matchesPyTorchStepByStep(String name, DType dtype) {
        JsonNode s = ref.settings(name);
        Function<List<Variable>, Optimizer> make = name.startsWith("sgd")
                ? ps -> new Sgd(ps, s.get("lr").asDouble(), s.get("momentum").asDouble(),
                        s.get("nesterov").asBoolean(), s.get("weight_decay").asDouble())
                : ps -> new AdamW(ps, s.has("lr") ? s.get("lr").asDouble() : 0.0, s.get("beta1").asDouble(),
                        s.get("beta2").asDouble(), s.get("eps").asDouble(), s.get("weight_decay").asDouble());
        try (MemoryScope scope = MemoryScope.open()) {
            List<Variable> params = initialParams(dtype);
            try (Optimizer opt = make.apply(params)) {
                for (int k = 0; k < STEPS; k++) {
                    if (s.has("lrs")) {
                        opt.setLearningRate(s.get("lrs").get(k).asDouble());
                    }
                    setGrads(params, k);
                    opt.step();
                    for (int i = 0; i < PARAMS; i++) {
                        String key = name + "/" + tag(dtype) + "/" + k + "/p" + i;
                        assertClose(ref.tensor(key), params.get(i).value(), tolerance(dtype), key);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT32", "FLOAT64"})
    void clipGlobalNormMatchesClipGradNorm(DType dtype) {
        try (MemoryScope scope = MemoryScope.open()) {
            List<Variable> params = initialParams(dtype);
            int clipped = 0;
            for (int k = 0; k < STEPS; k++) {
                setGrads(params, k);
                double norm = GradClip.clipGlobalNorm(params, 1.0);
                String prefix = "clip/" + tag(dtype) + "/" + k + "/";
                double expected = ref.tensor(prefix + "norm").item();
                assertEquals(expected, norm, tolerance(dtype) * expected, prefix + "norm");
                clipped += norm > 1.0 ? 1 : 0;
                for (int i = 0; i < PARAMS; i++) {
                    assertClose(ref.tensor(prefix + "g" + i), params.get(i).grad(), tolerance(dtype), prefix + "g" + i);
                }
            }
            assertTrue(clipped > 0 && clipped < STEPS, "the reference clips on some steps only: " + clipped);
        }
    }

    private static List<Variable> initialParams(DType dtype) {
        List<Variable> params = new ArrayList<>();
        for (int i = 0; i < PARAMS; i++) {
            params.add(Variable.parameter(ref.tensor("init/p" + i).to(dtype).copy()));
        }
        return params;
    }

    /** Replaces every gradient with gradient set {@code k} (a leaf's backward accumulates the seed). */
    private static void setGrads(List<Variable> params, int k) {
        for (int i = 0; i < PARAMS; i++) {
            params.get(i).zeroGrad();
            params.get(i).backward(ref.tensor("grad/" + k + "/p" + i).to(params.get(i).dtype()));
        }
    }

    private static String tag(DType dtype) {
        return dtype == DType.FLOAT32 ? "f32" : "f64";
    }

    private static double tolerance(DType dtype) {
        return dtype == DType.FLOAT32 ? 1e-5 : 1e-6;
    }

    static void assertClose(Tensor expected, Tensor actual, double rel, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what + ": element count");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        double err = Math.sqrt(diff / norm);
        assertTrue(err <= rel, what + ": relative error " + err + " > " + rel);
    }
}
