package dev.lethe.tensor.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One PyTorch reference file, {@code /reference/<group>.safetensors} on the test class path
 * (written by {@code tools/reference/make_references.py}). Tensors are named
 * {@code <case>/<name>}: inputs are float32, PyTorch's float64 outputs and gradients float64.
 * Each case's parameters are a JSON object in the metadata under the case's name.
 */
public final class ReferenceFile implements AutoCloseable {
    private static final Set<String> FILE_KEYS = Set.of("torch_version", "seed", "generator");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String group;
    private final SafeTensorsFile file;

    private ReferenceFile(String group, SafeTensorsFile file) {
        this.group = group;
        this.file = file;
    }

    /** Reads every tensor of the group's file (into the current MemoryScope, if one is open). */
    public static ReferenceFile load(String group) {
        String resource = "/reference/" + group + ".safetensors";
        URL url = ReferenceFile.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the test class path; regenerate it with "
                    + "tools/reference/make_references.py");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return new ReferenceFile(group, SafeTensorsFile.read(Path.of(url.toURI())));
            }
            // Inside a jar (autograd reads tensor's test jar): the reader needs a file.
            Path tmp = Files.createTempFile("reference-" + group, ".safetensors");
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return new ReferenceFile(group, SafeTensorsFile.read(tmp));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The case names of a group, in file order (for parameterized tests). */
    public static List<String> caseNames(String group) {
        try (ReferenceFile f = load(group)) {
            return f.caseNames();
        }
    }

    /** The case names of this file, in file order. */
    public List<String> caseNames() {
        return file.metadata().keySet().stream().filter(k -> !FILE_KEYS.contains(k)).collect(Collectors.toList());
    }

    /** The PyTorch version that computed the references. */
    public String torchVersion() {
        return file.metadata().getOrDefault("torch_version", "unknown");
    }

    /** One case of this file. */
    public Case get(String name) {
        String params = file.metadata().get(name);
        if (params == null) {
            throw new IllegalArgumentException("no case \"" + name + "\" in " + group + "; it has " + caseNames());
        }
        try {
            return new Case(name, JSON.readTree(params));
        } catch (IOException e) {
            throw new IllegalStateException("parameters of " + group + "/" + name + " are not JSON: " + params, e);
        }
    }

    /** Frees the file's tensors. */
    @Override
    public void close() {
        file.close();
    }

    /** One reference case: its tensors and its parameters. */
    public final class Case {
        private final String name;
        private final JsonNode params;

        private Case(String name, JsonNode params) {
            this.name = name;
            this.params = params;
        }

        /** The tensor {@code <case>/<key>}. */
        public Tensor tensor(String key) {
            return file.tensor(name + "/" + key);
        }

        /** Whether the case has a tensor {@code key} (e.g. an optional bias). */
        public boolean has(String key) {
            return file.tensors().containsKey(name + "/" + key);
        }

        /** A parameter; fails naming the case when absent. */
        public JsonNode param(String key) {
            JsonNode v = params.get(key);
            if (v == null) {
                throw new IllegalArgumentException(label() + " has no parameter " + key + "; it has " + params);
            }
            return v;
        }

        /** An integer parameter given either as one number or as a pair: element {@code i} of it. */
        public int intParam(String key, int i) {
            JsonNode v = param(key);
            return v.isArray() ? v.get(i).asInt() : v.asInt();
        }

        /** A numeric parameter. */
        public double doubleParam(String key) {
            return param(key).asDouble();
        }

        /** A boolean parameter. */
        public boolean boolParam(String key) {
            return param(key).asBoolean();
        }

        /** {@code group/case}, for assertion messages. */
        public String label() {
            return group + "/" + name;
        }
    }
}
