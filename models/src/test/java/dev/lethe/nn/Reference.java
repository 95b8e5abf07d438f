package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PyTorch reference files of this module (written by tools/reference/make_model_references.py
 * into src/test/resources/reference/) and the relative-error checks the tests apply to them.
 */
final class Reference {
    /** MODELS.md: ‖out − ref‖ / ‖ref‖ for logits and loss. */
    static final double FORWARD_TOLERANCE = 1e-5;
    /** MODELS.md: ‖out − ref‖ / ‖ref‖ for each gradient tensor. */
    static final double GRAD_TOLERANCE = 1e-4;

    private Reference() {
    }

    /** The path of {@code reference/<name>} on the test class path. */
    static Path path(String name) {
        URL url = Reference.class.getResource("/reference/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource reference/" + name
                    + "; run tools/reference/make_model_references.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every tensor of {@code reference/<name>} (in the caller's memory scope). */
    static SafeTensorsFile load(String name) {
        try {
            return SafeTensorsFile.read(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tensors under {@code prefix}, with the prefix removed. */
    static Map<String, Tensor> under(SafeTensorsFile file, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        file.tensors().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return out;
    }

    /** ‖a − b‖ / ‖b‖ in float64 (0 when both are zero). */
    static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            ref += b[i] * b[i];
        }
        return ref == 0 ? Math.sqrt(diff) : Math.sqrt(diff / ref);
    }

    /** ‖actual − expected‖ / ‖expected‖ after checking shapes; fails above {@code tolerance}; returns it. */
    static double assertClose(Tensor actual, Tensor expected, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double err = relativeError(actual.toDoubleArray(), expected.toDoubleArray());
        assertTrue(err <= tolerance, what + ": relative error " + err + " exceeds " + tolerance);
        return err;
    }
}
