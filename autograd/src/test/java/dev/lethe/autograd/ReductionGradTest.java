package dev.lethe.autograd;

import static dev.lethe.autograd.Inputs.CHECK;
import static dev.lethe.autograd.Inputs.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Gradient checks of sum, mean, var and max. */
class ReductionGradTest {

    @Test
    void sums() {
        CHECK.check(in -> in[0].sum(), param(1, 2, 3, 4));
        CHECK.check(in -> in[0].sum(1, false), param(2, 2, 3, 4));
        CHECK.check(in -> in[0].sum(-1, true), param(3, 2, 3, 4));
        CHECK.check(in -> in[0].sum(new int[] {0, 2}, false), param(4, 2, 3, 4));
    }

    @Test
    void means() {
        CHECK.check(in -> in[0].mean(), param(5, 2, 3, 4));
        CHECK.check(in -> in[0].mean(1, true), param(6, 2, 3, 4));
        CHECK.check(in -> in[0].mean(new int[] {0, 2}, false), param(7, 2, 3, 4));
    }

    @Test
    void variances() {
        CHECK.check(in -> in[0].var(null, 1, false), param(8, 3, 4));
        CHECK.check(in -> in[0].var(new int[] {1}, 0, true), param(9, 3, 4));
        CHECK.check(in -> in[0].var(new int[] {0, 2}, 1, false), param(10, 2, 3, 4));
    }

    @Test
    void maxOverAnAxis() {
        // distinct normal values: no ties within ±eps
        CHECK.check(in -> in[0].max(1, false), param(11, 3, 5));
        CHECK.check(in -> in[0].max(0, true), param(12, 4, 2, 3));
        CHECK.check(in -> in[0].max(), param(13, 3, 4));
    }

    @Test
    void maxSendsTheGradientToTheFirstMaximum() {
        Variable x = Variable.parameter(Tensor.of(new double[] {1, 3, 3, 2, 5, 5, 5, 0}, 2, 4));
        x.max(1, false).sum().backward();
        assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0, 0, 0}, x.grad().toDoubleArray());
    }
}
