package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loading state dicts: all or nothing, every problem named at once, dtype conversion, storage kept. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class StateDictTest {

    private static Module smallResNet() {
        return ModelSpec.of("resnet18").build(new Philox(5));
    }

    /** A copy of the model's state dict (fresh tensors in the current scope). */
    private static Map<String, Tensor> copyOf(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    @Test
    void missingUnexpectedAndMisShapedAreNamedTogetherAndNothingLoads() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = smallResNet();
            Map<String, Tensor> state = copyOf(ModelSpec.of("resnet18").build(new Philox(6)));
            state.remove("fc.bias");
            state.remove("layer2.0.bn1.running_var");
            state.put("head.weight", Tensor.zeros(DType.FLOAT32, 10, 512));
            state.put("fc.weight", Tensor.zeros(DType.FLOAT32, 1000, 512));
            float[] before = m.stateDict().get("conv1.weight").toFloatArray();

            StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> m.loadStateDict(state));
            String msg = e.getMessage();
            assertTrue(msg.contains("missing layer2.0.bn1.running_var, fc.bias"), msg);
            assertTrue(msg.contains("unexpected head.weight"), msg);
            assertTrue(msg.contains("fc.weight has shape [1000, 512], the model expects [10, 512]"), msg);
            assertEquals(List.of("layer2.0.bn1.running_var", "fc.bias"), e.missing());
            assertEquals(List.of("head.weight"), e.unexpected());
            assertArrayEquals(before, m.stateDict().get("conv1.weight").toFloatArray(), "nothing may be loaded");
        }
    }

    @Test
    void nonStrictReportsNamesButShapeMismatchStillFails() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = new Mlp(4, List.of(3), 2, 0, new Philox(1));
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("fc1.weight", Tensor.ones(DType.FLOAT32, 3, 4));
            state.put("extra.thing", Tensor.ones(DType.FLOAT32, 1));
            Module.LoadResult r = m.loadStateDict(state, false);
            assertEquals(List.of("fc1.bias", "head.weight", "head.bias"), r.missing());
            assertEquals(List.of("extra.thing"), r.unexpected());
            assertEquals(12.0, m.stateDict().get("fc1.weight").sum().item());

            state.put("head.bias", Tensor.ones(DType.FLOAT32, 3));
            assertThrows(StateDictMismatchException.class, () -> m.loadStateDict(state, false));
        }
    }

    @Test
    void float64AndMissingNumBatchesTrackedLoadIntoTheSameStorage() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = smallResNet();
            m.train();
            m.forward(Tensor.randn(new Philox(2), DType.FLOAT32, 2, 1, 8, 8));
            assertEquals(1.0, m.stateDict().get("bn1.num_batches_tracked").item());

            Map<String, Tensor> state = new LinkedHashMap<>();
            m.stateDict().forEach((k, v) -> {
                if (!k.endsWith("num_batches_tracked")) {
                    state.put(k, v.to(DType.FLOAT64).add(1.0));
                }
            });
            Variable fcWeight = m.namedParameters().get("fc.weight");
            Tensor storageBefore = fcWeight.value();
            float first = fcWeight.value().toFloatArray()[0];
            m.loadStateDict(state);
            assertSame(storageBefore, m.namedParameters().get("fc.weight").value());
            assertEquals(DType.FLOAT32, fcWeight.dtype());
            assertEquals(first + 1.0f, fcWeight.value().toFloatArray()[0], 1e-6);
            assertEquals(0.0, m.stateDict().get("bn1.num_batches_tracked").item(), "absent counter restarts at 0");
        }
    }

    @Test
    void integerTensorForAFloatParameterIsNamed() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = new Linear(2, 2, true, new Philox(1));
            Map<String, Tensor> state = Map.of("weight", Tensor.zeros(DType.INT64, 2, 2),
                    "bias", Tensor.zeros(DType.FLOAT32, 2));
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> m.loadStateDict(state));
            assertTrue(e.getMessage().contains("weight has dtype int64"), e.getMessage());
        }
    }

    @Test
    void parametersOutliveTheScopeTheModelWasBuiltIn() {
        Module m;
        try (MemoryScope scope = MemoryScope.open()) {
            m = new Mlp(6, List.of(5), 3, 0, new Philox(1));
            m.forward(Tensor.ones(DType.FLOAT32, 2, 6));
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Variable out = m.forward(Tensor.ones(DType.FLOAT32, 2, 6));
            assertArrayEquals(new int[] {2, 3}, out.shape());
            out.sum().backward();
            assertEquals(4, m.parameters().stream().filter(p -> p.grad() != null).count());
            m.zeroGrad();
        }
    }

    @Test
    void namesFollowPyTorchRegistrationOrder() {
        Module m = new Mlp(6, List.of(5, 4), 3, 0.5, new Philox(1));
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias"),
                List.copyOf(m.namedParameters().keySet()));
        Module bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(DType.INT64, bn.stateDict().get("num_batches_tracked").dtype());
        assertEquals(0, bn.stateDict().get("num_batches_tracked").rank());
    }
}
