package dev.lethe.autograd;

import static dev.lethe.autograd.Inputs.CHECK;
import static dev.lethe.autograd.Inputs.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Gradient checks of matmul/bmm in every broadcasting form. */
class LinearAlgebraGradTest {

    @Test
    void plainMatrixProduct() {
        CHECK.check(in -> in[0].matmul(in[1]), param(1, 3, 4), param(2, 4, 5));
    }

    @Test
    void transposedOperandAsInLinearLayers() {
        CHECK.check(in -> in[0].matmul(in[1].t()).add(in[2]), param(3, 6, 4), param(4, 5, 4), param(5, 5));
    }

    @Test
    void batchedAndBmm() {
        CHECK.check(in -> in[0].bmm(in[1]), param(6, 2, 3, 4), param(7, 2, 4, 5));
        CHECK.check(in -> in[0].matmul(in[1].transpose(1, 2)), param(8, 2, 3, 4), param(9, 2, 5, 4));
    }

    @Test
    void broadcastBatchDimensions() {
        CHECK.check(in -> in[0].matmul(in[1]), param(10, 2, 1, 3, 4), param(11, 5, 4, 2));
        CHECK.check(in -> in[0].matmul(in[1]), param(12, 2, 3, 4), param(13, 4, 5)); // shared weight
        CHECK.check(in -> in[0].matmul(in[1]), param(14, 4, 5), param(15, 2, 5, 3)); // shared left operand
    }

    @Test
    void vectorOperands() {
        CHECK.check(in -> in[0].matmul(in[1]), param(16, 4), param(17, 4, 5));
        CHECK.check(in -> in[0].matmul(in[1]), param(18, 3, 4), param(19, 4));
        assertArrayEquals(new int[] {5}, param(20, 4).matmul(param(21, 4, 5)).shape());
    }

    @Test
    void mismatchedShapesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> param(22, 2, 3).matmul(param(23, 4, 5)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> param(24, 2, 3, 4).bmm(param(25, 3, 4, 5)));
    }
}
