package dev.lethe.unlearn.eval;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The membership-inference reference written by tools/reference/make_mia_references.py: a
 * PyTorch MLP's true-label confidences (members, non-members, forget set) and what
 * scikit-learn's {@code SVC(C=3, gamma="auto")} made of them.
 *
 * @param arrays   every tensor as doubles, by name
 * @param metadata the file's metadata (efficacy, support_vectors, versions)
 */
record MiaReference(Map<String, double[]> arrays, Map<String, String> metadata) {
    /** Reads {@code /reference/mia.safetensors} from the test class path. */
    @SuppressWarnings("try") // the scope frees the tensors read
    static MiaReference load() {
        URL url = MiaReference.class.getResource("/reference/mia.safetensors");
        if (url == null) {
            throw new IllegalStateException("missing test resource reference/mia.safetensors; run "
                    + "tools/reference/make_mia_references.py");
        }
        try (MemoryScope scope = MemoryScope.open();
             SafeTensorsFile file = SafeTensorsFile.read(Path.of(url.toURI()))) {
            Map<String, double[]> arrays = new LinkedHashMap<>();
            file.tensors().forEach((name, t) -> arrays.put(name, t.toDoubleArray()));
            return new MiaReference(arrays, Map.copyOf(file.metadata()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    double[] get(String name) {
        double[] a = arrays.get(name);
        if (a == null) {
            throw new IllegalStateException("reference/mia.safetensors has no tensor " + name);
        }
        return a;
    }
}
