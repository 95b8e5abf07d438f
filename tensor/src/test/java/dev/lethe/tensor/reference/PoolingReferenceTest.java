package dev.lethe.tensor.reference;

import static dev.lethe.tensor.reference.RelativeError.assertBackward;
import static dev.lethe.tensor.reference.RelativeError.assertForward;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** max, average and adaptive-average pooling, forward and backward, against PyTorch. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class PoolingReferenceTest {
    private static final String GROUP = "pool";
    private final Backend cpu = Backends.cpu();

    static List<String> cases() {
        return ReferenceFile.caseNames(GROUP);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load(GROUP); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Tensor x = c.tensor("x");
            Tensor gy = c.tensor("gy");
            String op = c.param("op").asText();
            Tensor y;
            Tensor gx;
            switch (op) {
                case "max_pool2d" -> {
                    Backend.Pooled p = cpu.maxPool2d(x, spec(c));
                    assertArrayEquals(c.tensor("indices").toLongArray(), p.indices().toLongArray(),
                            c.label() + " argmax indices");
                    y = p.output();
                    gx = cpu.maxPool2dBackward(gy, p.indices(), x.shape());
                }
                case "avg_pool2d" -> {
                    y = cpu.avgPool2d(x, spec(c));
                    gx = cpu.avgPool2dBackward(gy, x.shape(), spec(c));
                }
                case "adaptive_avg_pool2d" -> {
                    y = cpu.adaptiveAvgPool2d(x, c.intParam("output", 0), c.intParam("output", 1));
                    gx = cpu.adaptiveAvgPool2dBackward(gy, x.shape());
                }
                default -> throw new IllegalArgumentException(c.label() + ": unknown pooling op " + op);
            }
            assertForward(y, c.tensor("y"), c.label() + " output");
            assertBackward(gx, c.tensor("gx"), c.label() + " grad input");
        }
    }

    private static Pool2dSpec spec(ReferenceFile.Case c) {
        return Pool2dSpec.of(c.intParam("kernel", 0), c.intParam("stride", 0), c.intParam("padding", 0));
    }
}
