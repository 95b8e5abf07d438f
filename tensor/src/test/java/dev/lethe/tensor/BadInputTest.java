package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad argument is an exception naming the problem, never a JVM crash. */
class BadInputTest {
    private final Tensor a = Tensor.zeros(DType.FLOAT32, 64, 10);
    private final Tensor b = Tensor.zeros(DType.FLOAT32, 64, 12);

    private static void fails(Class<? extends Throwable> type, String fragment, Executable call) {
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void everyBinaryOpRejectsMismatchedShapes() {
        for (BinaryOp op : BinaryOp.values()) {
            fails(IllegalArgumentException.class, "[64, 10] does not broadcast with [64, 12] in " + op.label(),
                    () -> a.zip(op, b));
        }
        fails(IllegalArgumentException.class, "does not broadcast", () -> Tensor.where(a, a, b));
    }

    @Test
    void matmulRejectsBadShapesAndDtypes() {
        fails(IllegalArgumentException.class, "inner dimensions 10 and 64", () -> a.matmul(b));
        fails(IllegalArgumentException.class, "rank >= 1", () -> a.matmul(Tensor.scalar(1, DType.FLOAT32)));
        fails(IllegalArgumentException.class, "int64",
                () -> Tensor.of(new long[] {1, 2, 3, 4}, 2, 2).matmul(Tensor.of(new long[] {1, 2, 3, 4}, 2, 2)));
        fails(IllegalArgumentException.class, "float32 and float64",
                () -> a.matmul(Tensor.zeros(DType.FLOAT64, 10, 2)));
        fails(IllegalArgumentException.class, "does not broadcast",
                () -> Tensor.zeros(DType.FLOAT32, 2, 3, 4).matmul(Tensor.zeros(DType.FLOAT32, 3, 4, 5)));
    }

    @Test
    void wrongDtypesAreNamed() {
        Tensor ints = Tensor.of(new int[] {1, 2}, 2);
        fails(IllegalArgumentException.class, "float32 or float64", () -> ints.softmax(0));
        fails(IllegalArgumentException.class, "float32 or float64", () -> ints.var(null, 1, false));
        fails(IllegalArgumentException.class, "float32 or float64", () -> Tensor.rand(new Philox(1), DType.INT32, 3));
        fails(IllegalArgumentException.class, "index tensor", () -> a.indexSelect(0, Tensor.zeros(DType.FLOAT32, 2)));
        fails(IllegalArgumentException.class, "dtypes differ",
                () -> Tensor.cat(List.of(a, Tensor.zeros(DType.FLOAT64, 1, 10)), 0));
    }

    @Test
    void outOfRangeViewsAreRejected() {
        fails(IndexOutOfBoundsException.class, "out of range", () -> a.narrow(0, 60, 5));
        fails(IndexOutOfBoundsException.class, "out of range", () -> a.narrow(1, -1, 2));
        fails(IndexOutOfBoundsException.class, "out of range", () -> a.select(1, 10));
        fails(IllegalArgumentException.class, "axis 2 is out of range", () -> a.transpose(0, 2));
        fails(IllegalArgumentException.class, "axis -3 is out of range", () -> a.sum(-3, false));
        fails(IllegalArgumentException.class, "cannot reshape", () -> a.view(7, -1));
        fails(IllegalArgumentException.class, "only one dimension can be -1", () -> a.view(-1, -1));
        fails(IllegalArgumentException.class, "cannot expand", () -> a.expand(64, 11));
        fails(IllegalArgumentException.class, "repeats axis", () -> a.permute(0, 0));
        fails(IllegalArgumentException.class, "is not 1", () -> a.squeeze(0));
        fails(IllegalArgumentException.class, "lies outside its storage", () -> Tensor.wrap(a.storage(), a.backend(),
                DType.FLOAT32, new int[] {64, 11}, new int[] {10, 1}, 0));
        fails(IllegalArgumentException.class, "lies outside its storage", () -> Tensor.wrap(a.storage(), a.backend(),
                DType.FLOAT32, new int[] {2}, new int[] {1}, -1));
        fails(IndexOutOfBoundsException.class, "outside [0, 64)",
                () -> a.indexSelect(0, Tensor.of(new long[] {0, 64}, 2)));
        fails(IllegalArgumentException.class, "outside [1, 640]", () -> a.kthLargest(641));
    }

    @Test
    void factoriesRejectInconsistentSizes() {
        fails(IllegalArgumentException.class, "needs 6 elements, the array has 5", () -> Tensor.of(new float[5], 2, 3));
        fails(IllegalArgumentException.class, "negative dimension", () -> Tensor.zeros(DType.FLOAT32, 2, -3));
        fails(IllegalArgumentException.class, "more than 2^31-1 elements", () -> Tensor.zeros(DType.FLOAT32, 1 << 16, 1 << 16));
        fails(IllegalArgumentException.class, "outside the supported range",
                () -> Tensor.empty(DType.FLOAT64, 1 << 29));
        fails(IllegalArgumentException.class, "non-zero step", () -> Tensor.arange(0, 1, 0, DType.FLOAT32));
    }
}
