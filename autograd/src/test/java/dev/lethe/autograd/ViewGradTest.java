package dev.lethe.autograd;

import static dev.lethe.autograd.Inputs.CHECK;
import static dev.lethe.autograd.Inputs.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradient checks of the view and shape operations, cat and stack. */
class ViewGradTest {

    @Test
    void viewReshapeFlatten() {
        CHECK.check(in -> in[0].view(4, 6).exp(), param(1, 2, 3, 4));
        CHECK.check(in -> in[0].t().reshape(-1).exp(), param(2, 3, 4)); // reshape must copy
        CHECK.check(in -> in[0].flatten(1, 2).tanh(), param(3, 2, 3, 4));
        CHECK.check(in -> in[0].flatten().tanh(), param(4, 2, 3));
    }

    @Test
    void transposePermute() {
        CHECK.check(in -> in[0].transpose(0, 2).mul(in[1]), param(5, 2, 3, 4), param(6, 4, 3, 2));
        CHECK.check(in -> in[0].permute(2, 0, 1).exp(), param(7, 2, 3, 4));
        CHECK.check(in -> in[0].t().contiguous().tanh(), param(8, 3, 4));
    }

    @Test
    void narrowSliceSelect() {
        CHECK.check(in -> in[0].narrow(1, 1, 2).exp(), param(9, 3, 4));
        CHECK.check(in -> in[0].slice(0, 1, 6, 2).exp(), param(10, 7, 3));
        CHECK.check(in -> in[0].select(-1, -2).exp(), param(11, 3, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> param(12, 3, 4).narrow(1, 3, 2));
    }

    @Test
    void expandSqueezeUnsqueeze() {
        CHECK.check(in -> in[0].expand(2, 3, 4).mul(in[1]), param(13, 3, 1), param(14, 2, 3, 4));
        CHECK.check(in -> in[0].unsqueeze(1).squeeze(1).unsqueeze(0).exp(), param(15, 3, 4));
        CHECK.check(in -> in[0].squeeze(1).exp(), param(16, 3, 1, 4));
    }

    @Test
    void catAndStack() {
        CHECK.check(in -> Variable.cat(List.of(in[0], in[1], in[2]), 1).exp(),
                param(17, 2, 1, 3), param(18, 2, 4, 3), param(19, 2, 2, 3));
        CHECK.check(in -> Variable.stack(List.of(in[0], in[1]), 1).tanh(), param(20, 3, 4), param(21, 3, 4));
    }

    @Test
    void catOfAConstantAndAParameterOnlyFeedsTheParameter() {
        Variable c = Variable.constant(Tensor.ones(DType.FLOAT64, 2));
        Variable p = param(22, 3);
        Variable.cat(List.of(c, p), 0).sum().backward();
        assertArrayEquals(new double[] {1, 1, 1}, p.grad().toDoubleArray());
    }

    @Test
    void inputsThatShareMemoryAreRejectedByTheChecker() {
        Variable expanded = Variable.parameter(Tensor.randn(new Philox(23), DType.FLOAT64, 3, 1).expand(3, 4));
        assertThrows(IllegalArgumentException.class, () -> CHECK.check(in -> in[0].exp(), expanded));
    }
}
