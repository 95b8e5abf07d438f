package dev.lethe.autograd;

import static dev.lethe.autograd.Inputs.CHECK;
import static dev.lethe.autograd.Inputs.awayFromZero;
import static dev.lethe.autograd.Inputs.param;
import static dev.lethe.autograd.Inputs.positive;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Gradient checks of the elementwise rules, with broadcasting and non-contiguous inputs. */
class ElementwiseGradTest {

    @Test
    void addBroadcastsBothWays() {
        CHECK.check(in -> in[0].add(in[1]), param(1, 2, 3), param(2, 3));
        CHECK.check(in -> in[0].add(in[1]), param(3, 2, 1, 3), param(4, 4, 1));
        CHECK.check(in -> in[0].add(in[1]), param(5, 2, 3), param(6));
    }

    @Test
    void subBroadcasts() {
        CHECK.check(in -> in[0].sub(in[1]), param(7, 3, 1), param(8, 1, 4));
    }

    @Test
    void mulBroadcasts() {
        CHECK.check(in -> in[0].mul(in[1]), param(9, 2, 3, 4), param(10, 3, 1));
    }

    @Test
    void divBroadcasts() {
        CHECK.check(in -> in[0].div(in[1]), param(11, 2, 3), positive(12, 0.5, 2, 1));
        CHECK.check(in -> in[0].div(in[1]), positive(13, 0.5, 4), param(14, 3, 4));
    }

    @Test
    void aVariableUsedTwiceAccumulatesBothPaths() {
        Variable x = param(15, 3);
        CHECK.check(in -> in[0].mul(in[0]).add(in[0]), x);
    }

    @Test
    void scalarVariants() {
        CHECK.check(in -> in[0].add(2.5).sub(1.25).mul(-3).div(4), param(16, 2, 3));
        CHECK.check(in -> in[0].rsub(1.5), param(17, 2, 3));
        CHECK.check(in -> in[0].pow(3), param(18, 2, 3));
        CHECK.check(in -> in[0].pow(0.5), positive(19, 0.5, 2, 3));
        CHECK.check(in -> in[0].pow(-1.5), positive(20, 0.5, 2, 3));
    }

    @Test
    void unaryFunctions() {
        CHECK.check(in -> in[0].neg(), param(21, 2, 3));
        CHECK.check(in -> in[0].abs(), awayFromZero(22, 0.1, 2, 3));
        CHECK.check(in -> in[0].exp(), param(23, 2, 3));
        CHECK.check(in -> in[0].log(), positive(24, 0.5, 2, 3));
        CHECK.check(in -> in[0].sqrt(), positive(25, 0.5, 2, 3));
        CHECK.check(in -> in[0].square(), param(26, 2, 3));
    }

    @Test
    void activations() {
        // ReLU's kink at 0 is kept at least 0.1 away from every input.
        CHECK.check(in -> in[0].relu(), awayFromZero(27, 0.1, 3, 4));
        CHECK.check(in -> in[0].gelu(), param(28, 3, 4));
        CHECK.check(in -> in[0].tanh(), param(29, 3, 4));
        CHECK.check(in -> in[0].sigmoid(), param(30, 3, 4));
    }

    @Test
    void reluDerivativeAtZeroIsZero() {
        Variable x = Variable.parameter(Tensor.of(new double[] {-1, 0, 2}, 3));
        x.relu().sum().backward();
        assertArrayEquals(new double[] {0, 0, 1}, x.grad().toDoubleArray());
    }

    @Test
    void nonContiguousInputs() {
        // a transposed leaf and a strided slice of a larger tensor
        Variable t = Variable.parameter(Tensor.randn(new Philox(31), DType.FLOAT64, 4, 3).t());
        Variable s = Variable.parameter(Tensor.randn(new Philox(32), DType.FLOAT64, 3, 8).slice(1, 1, 8, 2));
        CHECK.check(in -> in[0].mul(in[1]).add(in[0].exp()), t, s);
        CHECK.check(in -> in[0].div(in[1].square().add(1.0)).tanh(), t, param(33, 3, 1));
    }
}
