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

/** Batch norm (training and evaluation, with running statistics) and layer norm against PyTorch. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class NormalizationReferenceTest {
    private final Backend cpu = Backends.cpu();

    static List<String> batchNormCases() {
        return ReferenceFile.caseNames("batch_norm");
    }

    static List<String> layerNormCases() {
        return ReferenceFile.caseNames("layer_norm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNormCases")
    void batchNormMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("batch_norm"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            boolean training = c.boolParam("training");
            Tensor x = c.tensor("x");
            Tensor weight = c.tensor("weight");
            // The kernel updates running statistics in place; work on copies of the stored ones.
            Tensor runningMean = c.tensor("running_mean").copy();
            Tensor runningVar = c.tensor("running_var").copy();

            Backend.Normalized y = cpu.batchNorm(x, weight, c.tensor("bias"), runningMean, runningVar, training,
                    c.doubleParam("momentum"), c.doubleParam("eps"));
            assertForward(y.output(), c.tensor("y"), c.label() + " output");
            assertForward(runningMean, c.tensor("running_mean_after"), c.label() + " running mean");
            assertForward(runningVar, c.tensor("running_var_after"), c.label() + " running var");

            Backend.NormGrads g = cpu.batchNormBackward(c.tensor("gy"), x, weight, y, training);
            assertBackward(g.input(), c.tensor("gx"), c.label() + " grad input");
            assertBackward(g.weight(), c.tensor("gweight"), c.label() + " grad weight");
            assertBackward(g.bias(), c.tensor("gbias"), c.label() + " grad bias");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerNormCases")
    void layerNormMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("layer_norm"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            int normDims = c.intParam("norm_dims", 0);
            Tensor x = c.tensor("x");
            Tensor weight = c.tensor("weight");

            Backend.Normalized y = cpu.layerNorm(x, normDims, weight, c.tensor("bias"), c.doubleParam("eps"));
            assertForward(y.output(), c.tensor("y"), c.label() + " output");

            Backend.NormGrads g = cpu.layerNormBackward(c.tensor("gy"), x, normDims, weight, y);
            assertBackward(g.input(), c.tensor("gx"), c.label() + " grad input");
            assertBackward(g.weight(), c.tensor("gweight"), c.label() + " grad weight");
            assertBackward(g.bias(), c.tensor("gbias"), c.label() + " grad bias");
        }
    }
}
