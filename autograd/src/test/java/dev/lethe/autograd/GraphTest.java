package dev.lethe.autograd;

import static dev.lethe.autograd.Inputs.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The graph machinery: accumulation, retained graphs, no-grad regions, errors, lifetimes. */
class GraphTest {

    private static Variable xw(Variable x, Variable w) {
        return x.mul(w).sum();
    }

    @Test
    void gradientsAccumulateOverTwoBackwardCalls() {
        Variable x = Variable.constant(Tensor.of(new double[] {1, 2, 3}, 3));
        Variable w = param(1, 3);
        xw(x, w).backward();
        assertArrayEquals(new double[] {1, 2, 3}, w.grad().toDoubleArray());
        xw(x, w).backward();
        assertArrayEquals(new double[] {2, 4, 6}, w.grad().toDoubleArray());
        w.zeroGrad();
        assertNull(w.grad());
        xw(x, w).backward();
        assertArrayEquals(new double[] {1, 2, 3}, w.grad().toDoubleArray());
    }

    @Test
    void retainedGraphRunsBackwardAgainAndAFreedOneSaysSo() {
        Variable x = Variable.constant(Tensor.of(new double[] {1, 2, 3}, 3));
        Variable w = param(2, 3);
        Variable loss = xw(x, w);
        loss.backward(null, true);
        loss.backward(null, true);
        loss.backward();
        assertArrayEquals(new double[] {3, 6, 9}, w.grad().toDoubleArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("already freed") && e.getMessage().contains("retainGraph"), e.getMessage());
        assertArrayEquals(new double[] {3, 6, 9}, w.grad().toDoubleArray(), "a refused backward changes nothing");
    }

    @Test
    void noGradRecordsNothingAndNests() {
        Variable w = param(3, 2, 2);
        try (NoGrad outer = NoGrad.enter()) {
            try (NoGrad inner = NoGrad.enter()) {
                assertTrue(NoGrad.isActive());
            }
            assertTrue(NoGrad.isActive(), "the outer region is still open");
            Variable y = w.mul(2).exp().sum();
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            assertThrows(IllegalStateException.class, y::backward);
        }
        assertFalse(NoGrad.isActive());
        Variable y = w.mul(2).sum();
        assertTrue(y.requiresGrad());
        assertEquals("Sum", y.gradFn().name());
    }

    @Test
    void backwardOnANonScalarNeedsASeed() {
        Variable y = param(4, 2, 3).exp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("seed"), e.getMessage());
    }

    @Test
    void aSeedOfTheWrongShapeIsRejected() {
        Variable y = param(5, 2, 3).exp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.ones(DType.FLOAT64, 3, 2)));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void seedScalesTheGradient() {
        Variable x = param(6, 2);
        x.mul(3).backward(Tensor.of(new double[] {1, 10}, 2));
        assertArrayEquals(new double[] {3, 30}, x.grad().toDoubleArray());
    }

    @Test
    void backwardOfALeafAccumulatesTheSeed() {
        Variable x = param(7, 2);
        x.backward(Tensor.of(new double[] {4, 5}, 2));
        assertArrayEquals(new double[] {4, 5}, x.grad().toDoubleArray());
    }

    @Test
    void detachAndFrozenLeavesStopTheGradient() {
        Variable a = param(8, 3);
        Variable b = param(9, 3);
        a.mul(b.detach()).sum().backward();
        assertNotNull(a.grad());
        assertNull(b.grad());
        b.requiresGrad(false);
        a.zeroGrad();
        a.mul(b).sum().backward();
        assertArrayEquals(b.value().toDoubleArray(), a.grad().toDoubleArray());
        assertNull(b.grad());
        assertThrows(IllegalStateException.class, () -> a.mul(2).requiresGrad(false));
        assertThrows(IllegalArgumentException.class, () -> Variable.parameter(Tensor.of(new long[] {1}, 1)));
    }

    @Test
    void unusedInputsGetNoGradient() {
        Variable a = param(10, 3);
        Variable b = param(11, 3);
        a.exp().sum().backward();
        assertNotNull(a.grad());
        assertNull(b.grad());
    }

    @Test
    void deepGraphsNeedNoRecursion() {
        Variable x = param(12, 4);
        Variable y = x;
        int depth = 20_000;
        for (int i = 0; i < depth; i++) {
            y = y.add(0.5);
        }
        y.sum().backward();
        assertArrayEquals(new double[] {1, 1, 1, 1}, x.grad().toDoubleArray());
    }

    @Test
    void leafGradientsOutliveTheScopeOfBackward() {
        Variable w = param(13, 3);
        long before;
        try (MemoryScope scope = MemoryScope.open()) {
            Variable x = Variable.constant(Tensor.of(new double[] {1, 2, 3}, 3));
            xw(x, w).backward();
        }
        assertArrayEquals(new double[] {1, 2, 3}, w.grad().toDoubleArray());
        before = HostStorage.liveBytes();
        w.zeroGrad();
        assertEquals(before - 3 * 8, HostStorage.liveBytes(), "zeroGrad frees the gradient");
    }

    @Test
    void releasedGraphDropsItsSavedTensors() {
        Variable a = param(14, 3);
        Variable y = a.mul(a).sum();
        Function mul = y.gradFn();
        y.backward();
        assertTrue(mul.toString().contains("released"));
    }

    @Test
    void evaluationDropoutIsTheIdentity() {
        Variable x = param(15, 3);
        assertSame(x, x.dropout(0.5, false, null));
    }

    @Test
    void aPromotedOperandGetsAGradientOfItsOwnDtype() {
        Variable w = Variable.parameter(Tensor.of(new float[] {1, 2}, 2));
        Variable x = Variable.constant(Tensor.of(new double[] {0.5, 0.25}, 2));
        Variable y = w.mul(x).sum();
        assertEquals(DType.FLOAT64, y.dtype());
        y.backward();
        assertEquals(DType.FLOAT32, w.grad().dtype());
        assertArrayEquals(new float[] {0.5f, 0.25f}, w.grad().toFloatArray());
    }

    /** A deliberately wrong rule: d(x²)/dx = x instead of 2x. */
    private static final class WrongSquare extends Function {
        static Variable apply(Variable x) {
            WrongSquare fn = new WrongSquare();
            fn.save(x.value());
            return fn.record(x.value().square(), x);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(saved(0))};
        }
    }

    @Test
    void gradCheckReportsTheWorstElementOfAWrongRule() {
        Variable x = Variable.parameter(Tensor.of(new double[] {0.5, -2.0, 1.0}, 3));
        GradCheck.Report r = GradCheck.standard().run(in -> WrongSquare.apply(in[0]), x);
        assertFalse(r.passed());
        assertEquals(3, r.failures());
        assertArrayEquals(new int[] {1}, r.index(), "x = -2 has the largest error");
        assertEquals(2 * r.analytic(), r.numeric(), 1e-6);
        assertTrue(r.message().contains("index [1]") && r.message().contains("analytic")
                && r.message().contains("numeric"), r.message());
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.standard().check(in -> WrongSquare.apply(in[0]), x));
        assertEquals(r.message(), e.getMessage());
    }

    @Test
    void gradCheckRefusesFloat32AndRandomFunctions() {
        Variable f32 = Variable.parameter(Tensor.ones(DType.FLOAT32, 2));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.standard().check(in -> in[0].exp(), f32));
        Variable x = param(16, 4);
        dev.lethe.tensor.Philox shared = new dev.lethe.tensor.Philox(1);
        assertThrows(IllegalArgumentException.class, () -> GradCheck.standard().check(
                in -> in[0].mul(Variable.constant(Tensor.rand(shared, DType.FLOAT64, 4))), x));
    }
}
