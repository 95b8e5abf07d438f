package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The convolution plan key: output shapes, the cache identity, and the checks made before cuDNN is called. */
class ConvPlanKeyTest {
    private static final DType F = DType.FLOAT32;

    private static int[] out(int[] x, int[] w, Conv2dSpec s) {
        return ConvPlanKey.forward(F, x, F, w, null, null, s).outputShape();
    }

    @Test
    void outputShapesOfResNetLayers() {
        assertArrayEquals(new int[] {2, 64, 112, 112}, out(new int[] {2, 3, 224, 224}, new int[] {64, 3, 7, 7},
                Conv2dSpec.of(2, 3, 1)), "7x7 s2 p3 stem");
        assertArrayEquals(new int[] {2, 64, 56, 56}, out(new int[] {2, 64, 56, 56}, new int[] {64, 64, 3, 3},
                Conv2dSpec.of(1, 1, 1)), "3x3 s1 p1");
        assertArrayEquals(new int[] {2, 128, 28, 28}, out(new int[] {2, 64, 56, 56}, new int[] {128, 64, 3, 3},
                Conv2dSpec.of(2, 1, 1)), "3x3 s2 p1");
        assertArrayEquals(new int[] {2, 128, 28, 28}, out(new int[] {2, 64, 56, 56}, new int[] {128, 64, 1, 1},
                Conv2dSpec.of(2, 0, 1)), "1x1 s2 downsample");
        assertArrayEquals(new int[] {1, 4, 6, 5}, out(new int[] {1, 2, 10, 9}, new int[] {4, 2, 3, 3},
                new Conv2dSpec(1, 1, 0, 0, 2, 2)), "dilation 2");
        assertArrayEquals(new int[] {1, 1, 3, 1}, out(new int[] {1, 1, 5, 5}, new int[] {1, 1, 2, 3},
                new Conv2dSpec(2, 3, 1, 0, 1, 1)), "rectangular stride, padding and kernel");
    }

    @Test
    void shapesAgreeWithTheCpuBackend() {
        int[][] cases = {{2, 3, 9, 7, 4, 3, 2}, {1, 2, 5, 5, 3, 1, 1}, {3, 1, 8, 6, 2, 5, 3}};
        Conv2dSpec spec = new Conv2dSpec(2, 1, 1, 2, 1, 2);
        for (int[] c : cases) {
            int[] x = {c[0], c[1], c[2], c[3]};
            int[] w = {c[4], c[1], c[5], c[6]};
            try (Tensor tx = Tensor.zeros(F, x); Tensor tw = Tensor.zeros(F, w);
                 Tensor y = Backends.cpu().conv2d(tx, tw, null, spec)) {
                assertArrayEquals(y.shape(), out(x, w, spec));
            }
        }
    }

    @Test
    void keysOfEqualCallsAreEqualAndDirectionsDiffer() {
        Conv2dSpec s = Conv2dSpec.of(1, 1, 1);
        ConvPlanKey a = ConvPlanKey.forward(F, new int[] {2, 3, 8, 8}, F, new int[] {4, 3, 3, 3}, F, new int[] {4}, s);
        ConvPlanKey b = ConvPlanKey.forward(F, new int[] {2, 3, 8, 8}, F, new int[] {4, 3, 3, 3}, null, null,
                Conv2dSpec.of(1, 1, 1));
        assertEquals(a, b, "the bias does not change the algorithm");
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, ConvPlanKey.forward(DType.FLOAT64, new int[] {2, 3, 8, 8}, DType.FLOAT64,
                new int[] {4, 3, 3, 3}, null, null, s));
        assertNotEquals(a, ConvPlanKey.forward(F, new int[] {2, 3, 8, 8}, F, new int[] {4, 3, 3, 3}, null, null,
                Conv2dSpec.of(2, 1, 1)));
        ConvPlanKey data = ConvPlanKey.backwardData(F, a.outputShape(), F, a.weightShape(), a.inputShape(), s);
        ConvPlanKey weight = ConvPlanKey.backwardWeight(F, a.outputShape(), F, a.inputShape(), a.weightShape(), s);
        assertNotEquals(a, data);
        assertNotEquals(data, weight);
        assertArrayEquals(a.inputShape(), data.inputShape());
        assertArrayEquals(a.weightShape(), weight.weightShape());
    }

    @Test
    void emptyWhenAnyTensorHasNoElements() {
        Conv2dSpec s = Conv2dSpec.of(1, 1, 1);
        assertFalse(ConvPlanKey.forward(F, new int[] {1, 1, 3, 3}, F, new int[] {1, 1, 3, 3}, null, null, s).empty());
        assertTrue(ConvPlanKey.forward(F, new int[] {0, 1, 3, 3}, F, new int[] {1, 1, 3, 3}, null, null, s).empty());
        assertTrue(ConvPlanKey.forward(F, new int[] {1, 1, 3, 3}, F, new int[] {0, 1, 3, 3}, null, null, s).empty());
        ConvPlanKey padOnly = ConvPlanKey.forward(F, new int[] {1, 1, 0, 3}, F, new int[] {2, 1, 1, 1}, null, null, s);
        assertTrue(padOnly.empty());
        assertArrayEquals(new int[] {1, 2, 2, 5}, padOnly.outputShape(), "padding alone makes output rows");
    }

    @Test
    void badCallsNameTheOperationBeforeAnyNativeCall() {
        Conv2dSpec s = Conv2dSpec.of(1, 0, 1);
        expect("conv2d", "groups are not supported",
                () -> ConvPlanKey.forward(F, new int[] {1, 4, 8, 8}, F, new int[] {8, 2, 3, 3}, null, null, s));
        expect("conv2d", "larger than the padded input",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 2, 8}, F, new int[] {1, 1, 3, 3}, null, null, s));
        expect("conv2d", "larger than the padded input",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 5, 5}, F, new int[] {1, 1, 3, 3}, null, null,
                        new Conv2dSpec(1, 1, 0, 0, 3, 3)));
        expect("conv2d", "weight must be float32 like the input",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 5, 5}, DType.FLOAT64, new int[] {1, 1, 3, 3}, null, null, s));
        expect("conv2d", "bias must be float32",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 5, 5}, F, new int[] {2, 1, 3, 3}, DType.FLOAT64,
                        new int[] {2}, s));
        expect("conv2d", "bias has shape [3]",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 5, 5}, F, new int[] {2, 1, 3, 3}, F, new int[] {3}, s));
        expect("conv2d", "must be float32 or float64",
                () -> ConvPlanKey.forward(DType.INT64, new int[] {1, 1, 5, 5}, DType.INT64, new int[] {2, 1, 3, 3},
                        null, null, s));
        expect("conv2d", "input must be [N, C, H, W]",
                () -> ConvPlanKey.forward(F, new int[] {1, 5, 5}, F, new int[] {2, 1, 3, 3}, null, null, s));
        expect("conv2d", "needs C, kh, kw >= 1",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 5, 5}, F, new int[] {2, 1, 0, 3}, null, null, s));
        expect("conv2d", "negative size",
                () -> ConvPlanKey.forward(F, new int[] {-1, 1, 5, 5}, F, new int[] {2, 1, 3, 3}, null, null, s));
        expect("conv2d", "spec must not be null",
                () -> ConvPlanKey.forward(F, new int[] {1, 1, 5, 5}, F, new int[] {2, 1, 3, 3}, null, null, null));
        expect("conv2d", "2^31 - 1 elements",
                () -> ConvPlanKey.forward(F, new int[] {4096, 64, 128, 128}, F, new int[] {1, 64, 1, 1}, null, null, s));
        expect("conv2dBackwardData", "gradOut has shape [1, 2, 4, 4], expected [1, 2, 3, 3]",
                () -> ConvPlanKey.backwardData(F, new int[] {1, 2, 4, 4}, F, new int[] {2, 1, 3, 3},
                        new int[] {1, 1, 5, 5}, s));
        expect("conv2dBackwardData", "weight must be float32",
                () -> ConvPlanKey.backwardData(F, new int[] {1, 2, 3, 3}, DType.FLOAT64, new int[] {2, 1, 3, 3},
                        new int[] {1, 1, 5, 5}, s));
        expect("conv2dBackwardWeight", "input must be float64",
                () -> ConvPlanKey.backwardWeight(DType.FLOAT64, new int[] {1, 2, 3, 3}, F, new int[] {1, 1, 5, 5},
                        new int[] {2, 1, 3, 3}, s));
        expect("conv2dBackwardWeight", "weight must be [O, C, kh, kw]",
                () -> ConvPlanKey.backwardWeight(F, new int[] {1, 2, 3, 3}, F, new int[] {1, 1, 5, 5}, null, s));
    }

    @Test
    void messagesMatchTheCpuBackend() {
        Conv2dSpec s = Conv2dSpec.of(1, 0, 1);
        try (Tensor x = Tensor.zeros(F, 1, 4, 8, 8); Tensor w = Tensor.zeros(F, 8, 2, 3, 3)) {
            IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                    () -> Backends.cpu().conv2d(x, w, null, s));
            IllegalArgumentException here = assertThrows(IllegalArgumentException.class,
                    () -> ConvPlanKey.forward(F, x.shape(), F, w.shape(), null, null, s));
            assertEquals(cpu.getMessage(), here.getMessage());
        }
    }

    private static void expect(String op, String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(op + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
