package dev.lethe.tensor.reference;

import static dev.lethe.tensor.reference.RelativeError.assertBackward;
import static dev.lethe.tensor.reference.RelativeError.assertForward;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** conv2d forward, backward-data and backward-weight (and the bias gradient) against PyTorch. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class Conv2dReferenceTest {
    private static final String GROUP = "conv2d";
    private final Backend cpu = Backends.cpu();

    static List<String> cases() {
        return ReferenceFile.caseNames(GROUP);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load(GROUP); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Conv2dSpec spec = new Conv2dSpec(c.intParam("stride", 0), c.intParam("stride", 1),
                    c.intParam("padding", 0), c.intParam("padding", 1),
                    c.intParam("dilation", 0), c.intParam("dilation", 1));
            Tensor x = c.tensor("x");
            Tensor w = c.tensor("w");
            Tensor b = c.has("b") ? c.tensor("b") : null;
            Tensor gy = c.tensor("gy");

            assertForward(cpu.conv2d(x, w, b, spec), c.tensor("y"), c.label() + " output");
            assertBackward(cpu.conv2dBackwardData(gy, w, x.shape(), spec), c.tensor("gx"), c.label() + " grad input");
            assertBackward(cpu.conv2dBackwardWeight(gy, x, w.shape(), spec), c.tensor("gw"),
                    c.label() + " grad weight");
            if (b != null) {
                // The bias gradient is gy summed over batch and positions, as autograd composes it.
                assertBackward(gy.sum(new int[] {0, 2, 3}, false), c.tensor("gb"), c.label() + " grad bias");
            }
        }
    }
}
