package dev.lethe.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** {@code /reference/optim.safetensors}, written by {@code tools/reference/make_optim_references.py}. */
final class OptimReference implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SafeTensorsFile file;

    private OptimReference(SafeTensorsFile file) {
        this.file = file;
    }

    static OptimReference load() {
        URL url = OptimReference.class.getResource("/reference/optim.safetensors");
        if (url == null) {
            throw new IllegalStateException("/reference/optim.safetensors is missing; regenerate it with "
                    + "tools/reference/make_optim_references.py");
        }
        try {
            return new OptimReference(SafeTensorsFile.read(Path.of(url.toURI())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    Tensor tensor(String name) {
        return file.tensor(name);
    }

    JsonNode settings(String name) {
        try {
            return JSON.readTree(file.metadata().get(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String torchVersion() {
        return file.metadata().get("torch_version");
    }

    @Override
    public void close() {
        file.close();
    }
}
