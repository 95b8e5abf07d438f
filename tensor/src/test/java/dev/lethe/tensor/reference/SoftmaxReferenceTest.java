package dev.lethe.tensor.reference;

import static dev.lethe.tensor.reference.RelativeError.assertBackward;
import static dev.lethe.tensor.reference.RelativeError.assertForward;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** softmax / log-softmax and the fused cross-entropy (with label smoothing) against PyTorch. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SoftmaxReferenceTest {
    private final Backend cpu = Backends.cpu();

    static List<String> softmaxCases() {
        return ReferenceFile.caseNames("softmax");
    }

    static List<String> crossEntropyCases() {
        return ReferenceFile.caseNames("cross_entropy");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxCases")
    void softmaxMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("softmax"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            int axis = c.intParam("axis", 0);
            boolean log = c.boolParam("log");
            Tensor y = cpu.softmax(c.tensor("x"), axis, log);
            assertForward(y, c.tensor("y"), c.label() + " output");
            assertBackward(cpu.softmaxBackward(c.tensor("gy"), y, axis, log), c.tensor("gx"),
                    c.label() + " grad input");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crossEntropyCases")
    void crossEntropyMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("cross_entropy"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            double smoothing = c.doubleParam("label_smoothing");
            Tensor targets = c.tensor("targets");
            Backend.CrossEntropy f = cpu.crossEntropy(c.tensor("logits"), targets, smoothing);
            assertForward(f.loss(), c.tensor("loss"), c.label() + " loss");
            assertBackward(cpu.crossEntropyBackward(1.0, f, targets, smoothing), c.tensor("glogits"),
                    c.label() + " grad logits");
        }
    }
}
