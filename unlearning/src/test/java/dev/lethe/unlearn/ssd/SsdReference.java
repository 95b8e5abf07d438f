package dev.lethe.unlearn.ssd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch reference of SSD, {@code reference/ssd.safetensors} (written by
 * tools/reference/unlearning/ssd.py): an MLP 12 → [16, 8] → 4 on 40 samples of 1×3×4, a forget
 * set of 19, and per variant ({@code ce_batch}, {@code l2_batch}, {@code ce_sample}) the
 * importances, the selection and the dampened weights computed in float64.
 */
final class SsdReference {
    /** The architecture of the reference model. */
    static final ModelSpec SPEC = ModelSpec.of("mlp", Map.of("in_features", 12, "hidden", List.of(16, 8),
            "num_classes", 4));
    /** UNLEARNING-test tolerance: ‖a − b‖ / ‖b‖ per tensor, for importances and dampened weights. */
    static final double TOLERANCE = 1e-4;
    /** The variants the file holds. */
    static final List<String> VARIANTS = List.of("ce_batch", "l2_batch", "ce_sample");

    private final SafeTensorsFile file;

    private SsdReference(SafeTensorsFile file) {
        this.file = file;
    }

    /** Reads the file (its tensors in the caller's memory scope). */
    static SsdReference load() {
        URL url = SsdReference.class.getResource("/reference/ssd.safetensors");
        if (url == null) {
            throw new IllegalStateException("missing test resource reference/ssd.safetensors; run "
                    + "tools/reference/unlearning/ssd.py");
        }
        try {
            return new SsdReference(SafeTensorsFile.read(Path.of(url.toURI())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh model holding the reference's original weights. */
    TrainedModel model() {
        Module network = SPEC.build(new Philox(7));
        network.loadStateDict(under("state/"));
        return TrainedModel.of(SPEC, network, TrainingRecipe.defaults("mlp"), 0);
    }

    /** D: 40 float32 images of 1×3×4 and their labels, in file order. */
    Dataset data() {
        Tensor x = file.tensor("x");
        long[] y = file.tensor("y").toLongArray();
        int[] labels = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = (int) y[i];
        }
        return Dataset.ofFloats("ssd reference", x.toFloatArray(), labels, 1, 3, 4, 4);
    }

    /** The request to forget the reference's D_f from D. */
    UnlearningRequest request() {
        long[] f = file.tensor("forget").toLongArray();
        int[] indices = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            indices[i] = (int) f[i];
        }
        return UnlearningRequest.of(data(), ForgetSet.of(indices, 40, "reference"));
    }

    /** A variant's settings: loss, estimator, batch_size, alpha, lambda. */
    JsonNode settings(String variant) {
        try {
            return new ObjectMapper().readTree(file.metadata().get(variant));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The variant's tensors of one kind ({@code importance_data}, {@code selected}, ...) by parameter name. */
    Map<String, Tensor> tensors(String variant, String kind) {
        return under(variant + "/" + kind + "/");
    }

    private Map<String, Tensor> under(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        file.tensors().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return out;
    }

    /** ‖actual − expected‖ / ‖expected‖ in float64 after checking shapes; fails above {@link #TOLERANCE}. */
    static double assertClose(Tensor actual, Tensor expected, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            ref += b[i] * b[i];
        }
        double err = ref == 0 ? Math.sqrt(diff) : Math.sqrt(diff / ref);
        assertTrue(err <= TOLERANCE, what + ": relative error " + err + " exceeds " + TOLERANCE);
        return err;
    }
}
