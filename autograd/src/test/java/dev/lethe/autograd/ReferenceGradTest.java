package dev.lethe.autograd;

import static dev.lethe.tensor.reference.RelativeError.assertBackward;
import static dev.lethe.tensor.reference.RelativeError.assertForward;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.reference.ReferenceFile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole autograd rules, run through {@link Variable#backward}, in float32 against PyTorch's
 * float64 forward values and gradients (files written by tools/reference/make_references.py,
 * read from tensor's test jar).
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class ReferenceGradTest {

    /** Scaled dot-product attention: bmm(softmax(bmm(q, kᵀ)·d^-½, -1), v), gradients of q, k and v. */
    @Test
    void attentionChainMatchesPyTorch() {
        try (ReferenceFile file = ReferenceFile.load("attention"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get("sdpa");
            Variable q = Variable.parameter(c.tensor("q"));
            Variable k = Variable.parameter(c.tensor("k"));
            Variable v = Variable.parameter(c.tensor("v"));
            Variable attention = q.bmm(k.transpose(1, 2)).mul(c.doubleParam("scale")).softmax(-1);
            Variable out = attention.bmm(v);
            out.backward(c.tensor("gy"));

            assertForward(out.value(), c.tensor("y"), c.label() + " output");
            assertBackward(q.grad(), c.tensor("gq"), c.label() + " grad q");
            assertBackward(k.grad(), c.tensor("gk"), c.label() + " grad k");
            assertBackward(v.grad(), c.tensor("gv"), c.label() + " grad v");
        }
    }

    static List<String> convCases() {
        return ReferenceFile.caseNames("conv2d");
    }

    /** conv2d through its autograd rule, including the bias gradient. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void conv2dMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("conv2d"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Conv2dSpec spec = new Conv2dSpec(c.intParam("stride", 0), c.intParam("stride", 1),
                    c.intParam("padding", 0), c.intParam("padding", 1),
                    c.intParam("dilation", 0), c.intParam("dilation", 1));
            Variable x = Variable.parameter(c.tensor("x"));
            Variable w = Variable.parameter(c.tensor("w"));
            Variable b = c.has("b") ? Variable.parameter(c.tensor("b")) : null;
            Variable y = x.conv2d(w, b, spec);
            y.backward(c.tensor("gy"));

            assertForward(y.value(), c.tensor("y"), c.label() + " output");
            assertBackward(x.grad(), c.tensor("gx"), c.label() + " grad input");
            assertBackward(w.grad(), c.tensor("gw"), c.label() + " grad weight");
            if (b != null) {
                assertBackward(b.grad(), c.tensor("gb"), c.label() + " grad bias");
            }
        }
    }

    static List<String> poolCases() {
        return ReferenceFile.caseNames("pool");
    }

    /** Max, average and adaptive-average pooling through their autograd rules. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("poolCases")
    void poolingMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("pool"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Variable x = Variable.parameter(c.tensor("x"));
            String op = c.param("op").asText();
            Variable y = switch (op) {
                case "max_pool2d" -> x.maxPool2d(Pool2dSpec.of(c.intParam("kernel", 0), c.intParam("stride", 0),
                        c.intParam("padding", 0)));
                case "avg_pool2d" -> x.avgPool2d(Pool2dSpec.of(c.intParam("kernel", 0), c.intParam("stride", 0),
                        c.intParam("padding", 0)));
                case "adaptive_avg_pool2d" -> x.adaptiveAvgPool2d(c.intParam("output", 0), c.intParam("output", 1));
                default -> throw new IllegalArgumentException(c.label() + ": unknown pooling op " + op);
            };
            y.backward(c.tensor("gy"));
            assertForward(y.value(), c.tensor("y"), c.label() + " output");
            assertBackward(x.grad(), c.tensor("gx"), c.label() + " grad input");
        }
    }

    static List<String> batchNormCases() {
        return ReferenceFile.caseNames("batch_norm");
    }

    /** Batch norm in training and evaluation mode through its autograd rule. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNormCases")
    void batchNormMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("batch_norm"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Variable x = Variable.parameter(c.tensor("x"));
            Variable weight = Variable.parameter(c.tensor("weight"));
            Variable bias = Variable.parameter(c.tensor("bias"));
            Variable y = x.batchNorm(weight, bias, c.tensor("running_mean").copy(), c.tensor("running_var").copy(),
                    c.boolParam("training"), c.doubleParam("momentum"), c.doubleParam("eps"));
            y.backward(c.tensor("gy"));

            assertForward(y.value(), c.tensor("y"), c.label() + " output");
            assertBackward(x.grad(), c.tensor("gx"), c.label() + " grad input");
            assertBackward(weight.grad(), c.tensor("gweight"), c.label() + " grad weight");
            assertBackward(bias.grad(), c.tensor("gbias"), c.label() + " grad bias");
        }
    }

    static List<String> layerNormCases() {
        return ReferenceFile.caseNames("layer_norm");
    }

    /** Layer norm through its autograd rule. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layerNormCases")
    void layerNormMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("layer_norm"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Variable x = Variable.parameter(c.tensor("x"));
            Variable weight = Variable.parameter(c.tensor("weight"));
            Variable bias = Variable.parameter(c.tensor("bias"));
            Variable y = x.layerNorm(c.intParam("norm_dims", 0), weight, bias, c.doubleParam("eps"));
            y.backward(c.tensor("gy"));

            assertForward(y.value(), c.tensor("y"), c.label() + " output");
            assertBackward(x.grad(), c.tensor("gx"), c.label() + " grad input");
            assertBackward(weight.grad(), c.tensor("gweight"), c.label() + " grad weight");
            assertBackward(bias.grad(), c.tensor("gbias"), c.label() + " grad bias");
        }
    }

    /** Exact GELU through its autograd rule. */
    @Test
    void geluMatchesPyTorch() {
        try (ReferenceFile file = ReferenceFile.load("activation"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get("gelu");
            Variable x = Variable.parameter(c.tensor("x"));
            Variable y = x.gelu();
            y.backward(c.tensor("gy"));
            assertForward(y.value(), c.tensor("y"), c.label() + " output");
            assertBackward(x.grad(), c.tensor("gx"), c.label() + " grad input");
        }
    }

    static List<String> softmaxCases() {
        return ReferenceFile.caseNames("softmax");
    }

    /** Softmax and log-softmax through their autograd rules. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxCases")
    void softmaxMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("softmax"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Variable x = Variable.parameter(c.tensor("x"));
            int axis = c.intParam("axis", 0);
            Variable y = c.boolParam("log") ? x.logSoftmax(axis) : x.softmax(axis);
            y.backward(c.tensor("gy"));
            assertForward(y.value(), c.tensor("y"), c.label() + " output");
            assertBackward(x.grad(), c.tensor("gx"), c.label() + " grad input");
        }
    }

    static List<String> crossEntropyCases() {
        return ReferenceFile.caseNames("cross_entropy");
    }

    /** Mean cross-entropy with label smoothing through its autograd rule. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("crossEntropyCases")
    void crossEntropyMatchesPyTorch(String name) {
        try (ReferenceFile file = ReferenceFile.load("cross_entropy"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get(name);
            Variable logits = Variable.parameter(c.tensor("logits"));
            Variable loss = logits.crossEntropy(c.tensor("targets"), c.doubleParam("label_smoothing"));
            loss.backward();
            assertForward(loss.value(), c.tensor("loss"), c.label() + " loss");
            assertBackward(logits.grad(), c.tensor("glogits"), c.label() + " grad logits");
        }
    }
}
