package dev.lethe.nn;

import static dev.lethe.nn.Reference.FORWARD_TOLERANCE;
import static dev.lethe.nn.Reference.GRAD_TOLERANCE;
import static dev.lethe.nn.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three model families in float32 against PyTorch computing the same thing in float64
 * (tools/reference/make_model_references.py): eval-mode logits and loss within 1e-5, the
 * gradient of the mean cross-entropy for every parameter within 1e-4 (relative, per tensor),
 * in training and evaluation mode, and BatchNorm's running statistics after one training
 * forward.
 *
 * <p>MLP and ViT weights are stored in the reference files (loaded through
 * {@link Module#loadStateDict}, as a plain PyTorch export would be). ResNet-18's 11M weights
 * are not: both sides compute them from {@link WeightPattern}. Its gradients are stored in full
 * for tensors of at most 8192 elements (conv1, every BatchNorm, fc, the first downsample); for
 * the larger convolutions the file holds a summary, checked as follows: the norm within 1e-4
 * relative; the sum within 1e-4·√n·‖ref‖ (what the per-tensor bound implies, by
 * Cauchy–Schwarz); 16 projections on fixed ±1 vectors, whose RMS deviation estimates
 * ‖g − ref‖ (Johnson–Lindenstrauss), within 2·1e-4·‖ref‖ (factor 2 for the estimate's spread);
 * and 32 sampled elements, whose deviation is reported.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class PyTorchParityTest {

    @Test
    void mlpMatchesPyTorch() {
        smallModel("mlp", ModelSpec.of("mlp", Map.of("in_features", 784, "hidden", List.of(32, 16),
                "num_classes", 10)));
    }

    @Test
    void vitMatchesPyTorch() {
        smallModel("vit", ModelSpec.of("vit", Map.of("image_size", 28, "patch_size", 4, "in_channels", 1,
                "embed_dim", 48, "depth", 2, "num_heads", 3, "mlp_ratio", 4.0, "num_classes", 10)));
    }

    /** Stored weights; no BatchNorm or dropout, so training and evaluation mode give the same numbers. */
    private static void smallModel(String name, ModelSpec spec) {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile ref = Reference.load(name + ".safetensors");
            Module model = spec.build(new Philox(1));
            model.loadStateDict(Reference.under(ref, "state/"));
            double worstGrad = 0;
            for (boolean training : new boolean[] {false, true}) {
                model.train(training);
                Variable logits = model.forward(ref.tensor("x"));
                Variable loss = logits.crossEntropy(ref.tensor("y"), 0.0);
                double eLogits = assertClose(logits.value(), ref.tensor("logits"), FORWARD_TOLERANCE, name + " logits");
                double eLoss = assertClose(loss.value(), ref.tensor("loss"), FORWARD_TOLERANCE, name + " loss");
                loss.backward();
                for (Map.Entry<String, Variable> p : model.namedParameters().entrySet()) {
                    double e = assertClose(p.getValue().grad(), ref.tensor("grad/" + p.getKey()), GRAD_TOLERANCE,
                            name + " grad " + p.getKey());
                    worstGrad = Math.max(worstGrad, e);
                }
                model.zeroGrad();
                report(name + (training ? " train" : " eval"), eLogits, eLoss, worstGrad);
            }
        }
    }

    @Test
    void resnet18CifarStemMatchesPyTorch() {
        resnet("cifar", ModelSpec.of("resnet18", Map.of("stem", "cifar", "in_channels", 1, "num_classes", 10)),
                new int[] {4, 1, 28, 28});
    }

    @Test
    void resnet18ImagenetStemMatchesPyTorch() {
        resnet("imagenet", ModelSpec.of("resnet18", Map.of("stem", "imagenet", "in_channels", 3,
                "num_classes", 10)), new int[] {4, 3, 112, 112});
    }

    /**
     * The weights and the input batch come from {@link WeightPattern}, as in the script, which
     * picked an input seed for which float32 and float64 agree on every ReLU sign and max-pool
     * argmax (so no gradient element legitimately goes another way).
     */
    private static void resnet(String name, ModelSpec spec, int[] inputShape) {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile ref = Reference.load("resnet18.safetensors");
            Module model = spec.build(new Philox(1));
            WeightPattern.fill(model);
            List<String> stateNames = List.copyOf(model.stateDict().keySet());
            Tensor x = WeightPattern.input((long) ref.tensor(name + "/input_seed").item(), inputShape);
            Tensor y = ref.tensor(name + "/y");
            for (String mode : new String[] {"eval", "train"}) {
                String p = name + "/" + mode + "/";
                model.train(mode.equals("train"));
                Variable logits = model.forward(x);
                Variable loss = logits.crossEntropy(y, 0.0);
                double eLogits = assertClose(logits.value(), ref.tensor(p + "logits"), FORWARD_TOLERANCE,
                        p + "logits");
                double eLoss = assertClose(loss.value(), ref.tensor(p + "loss"), FORWARD_TOLERANCE, p + "loss");
                loss.backward();
                double worst = 0;
                double worstEstimate = 0;
                double worstSamples = 0;
                for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
                    Tensor g = e.getValue().grad();
                    String full = p + "grad/" + e.getKey();
                    if (ref.tensors().containsKey(full)) {
                        worst = Math.max(worst, assertClose(g, ref.tensor(full), GRAD_TOLERANCE, full));
                    } else {
                        double[] s = checkSummary(stateNames.indexOf(e.getKey()), g,
                                ref.tensor(p + "gradsummary/" + e.getKey()).toDoubleArray(), p + e.getKey());
                        worst = Math.max(worst, s[0]);
                        worstEstimate = Math.max(worstEstimate, s[1]);
                        worstSamples = Math.max(worstSamples, s[2]);
                    }
                }
                model.zeroGrad();
                report("resnet18 " + name + " " + mode, eLogits, eLoss, worst);
                System.out.printf(Locale.ROOT, "  large tensors: projection estimate %.2e, sampled elements %.2e%n",
                        worstEstimate, worstSamples);
                if (mode.equals("train")) {
                    double worstBuffer = 0;
                    for (Map.Entry<String, Tensor> b : model.namedBuffers().entrySet()) {
                        if (b.getKey().endsWith("num_batches_tracked")) {
                            assertEquals(1, b.getValue().item(), b.getKey());
                        } else {
                            worstBuffer = Math.max(worstBuffer, assertClose(b.getValue(),
                                    ref.tensor(p + "buffer/" + b.getKey()), FORWARD_TOLERANCE, b.getKey()));
                        }
                    }
                    System.out.printf(Locale.ROOT, "  running statistics after one step: %.2e%n", worstBuffer);
                }
            }
        }
    }

    /** Checks one summarised gradient; returns {norm error, projection estimate, sampled-element error}. */
    private static double[] checkSummary(int k, Tensor grad, double[] ref, String what) {
        double[] got = WeightPattern.summary(k, grad);
        double norm = ref[0];
        double n = grad.numel();
        double normErr = Math.abs(got[0] - norm) / norm;
        assertTrue(normErr <= GRAD_TOLERANCE, what + ": norm relative error " + normErr);
        double sumErr = Math.abs(got[1] - ref[1]);
        assertTrue(sumErr <= GRAD_TOLERANCE * Math.sqrt(n) * norm, what + ": sum differs by " + sumErr);
        double sq = 0;
        for (int j = 2; j < 18; j++) {
            sq += (got[j] - ref[j]) * (got[j] - ref[j]);
        }
        double estimate = Math.sqrt(sq / 16) / norm;
        assertTrue(estimate <= 2 * GRAD_TOLERANCE, what + ": projected relative error " + estimate);
        double[] a = java.util.Arrays.copyOfRange(got, 18, 50);
        double[] b = java.util.Arrays.copyOfRange(ref, 18, 50);
        return new double[] {normErr, estimate, Reference.relativeError(a, b)};
    }

    private static void report(String what, double logits, double loss, double grad) {
        System.out.printf(Locale.ROOT, "%-24s logits %.2e  loss %.2e  worst gradient %.2e%n", what, logits, loss, grad);
    }
}
