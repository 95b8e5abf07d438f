package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The check of a launch's arguments against the parameter list the driver reports. */
class KernelSignatureTest {
    /** softmax_f32(int, long long, long long, long long, float*, const float*) as the driver lays it out. */
    private static final KernelSignature SOFTMAX = new KernelSignature(new long[] {0, 8, 16, 24, 32, 40},
            new long[] {4, 8, 8, 8, 8, 8});

    @Test
    void argumentsPackedAsTheKernelTakesThemPass() {
        KernelArgs args = new KernelArgs().i32(1).i64(2).i64(3).i64(4).pointer(5).pointer(6);
        assertArrayEquals(new int[] {4, 8, 8, 8, 8, 8}, args.sizes());
        assertDoesNotThrow(() -> SOFTMAX.check("softmax_f32", args));
        // a kernel (long long, Layout3, double): the struct by value, 8-byte aligned
        KernelSignature withLayout = new KernelSignature(new long[] {0, 8, 264}, new long[] {8, KernelLayout.BYTES, 8});
        assertDoesNotThrow(() -> withLayout.check("layout_kernel", new KernelArgs().i64(1)
                .layout(new KernelLayout(new int[] {2, 3}, "fill")).f64(0.5)));
    }

    @Test
    void aWrongTypeOrAMissingArgumentIsAnExceptionNamingTheKernel() {
        IllegalStateException narrow = assertThrows(IllegalStateException.class, () -> SOFTMAX.check("softmax_f32",
                new KernelArgs().i32(1).i32(2).i64(3).i64(4).pointer(5).pointer(6)));
        assertTrue(narrow.getMessage().startsWith("kernel softmax_f32 takes 6 parameters (size@offset): 4@0 8@8"),
                narrow.getMessage());
        assertTrue(narrow.getMessage().contains("the host passed 6 parameters (size@offset): 4@0 4@4"),
                narrow.getMessage());
        assertThrows(IllegalStateException.class, () -> SOFTMAX.check("softmax_f32",
                new KernelArgs().i32(1).i64(2).i64(3).i64(4).pointer(5)));
        assertThrows(IllegalStateException.class, () -> SOFTMAX.check("softmax_f32",
                new KernelArgs().i32(1).i64(2).i64(3).i64(4).pointer(5).pointer(6).i32(7)));
    }
}
