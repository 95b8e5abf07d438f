package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unlearn}, {@code eval}, {@code analytic fit} and {@code inspect fisher|saliency|analytic}
 * on a tiny model and data: what they write, and the exit code and one-line message of every bad
 * request, with the model file left as it was.
 */
class UnlearningCommandsTest {
    @TempDir
    Path dir;

    private Path data;
    private Path model;
    private Path out;

    @BeforeEach
    void writeDataAndModel() throws Exception {
        data = Fixtures.dataset(dir.resolve("data.safetensors"), 12, 1, 4, 4, 3);
        model = Fixtures.model(dir.resolve("model.safetensors"), Fixtures.MLP);
        out = dir.resolve("out.safetensors");
    }

    private Cli.Result unlearn(int expected, String method, String forget, String... extra) throws Exception {
        String[] base = {"unlearn", "--method", method, "--model", model.toString(), "--data", data.toString(),
            "--forget", forget, "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.runLeaving(model, args).expect(expected).noStackTrace();
    }

    private static void assertOneLine(Cli.Result r, String... parts) {
        String err = r.err();
        assertTrue(err.lines().anyMatch(l -> l.startsWith("error: ")), err);
        for (String p : parts) {
            assertTrue(err.contains(p), () -> "'" + p + "' in: " + err);
        }
    }

    private Path indexFile(String content) throws Exception {
        Path f = dir.resolve("forget.txt");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void ssdWritesTheWholeModelWithItsNames() throws Exception {
        Cli.Result r = unlearn(0, "ssd", "class:1", "--set", "alpha=1", "--set", "batch_size=4", "--json");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("ssd", doc.get("method").asText());
        assertEquals(4, doc.get("forget_size").asInt());
        try (MemoryScope scope = MemoryScope.open()) {
            assertEquals(SafeTensorsFile.read(model).tensors().keySet(), SafeTensorsFile.read(out).tensors().keySet());
        }
    }

    @Test
    void badForgetSetsAreBadInput() throws Exception {
        assertOneLine(unlearn(3, "ft", "indices:" + indexFile("3\n12\n")), "12 is out of range");
        assertOneLine(unlearn(3, "ft", "indices:" + indexFile("3\n4\n3\n")), "3 appears more than once");
        assertOneLine(unlearn(3, "ft", "indices:" + indexFile("\n\n")), "empty");
        assertOneLine(unlearn(3, "ft", "range:0-11"), "holds all 12");
        assertOneLine(unlearn(3, "ft", "class:7"), "class 7 does not exist");
        assertOneLine(unlearn(3, "acu", "class:1"), "no analytic head");
        assertTrue(Files.notExists(out));
    }

    @Test
    void hyperParametersOutOfRangeAreUsageErrors() throws Exception {
        assertOneLine(unlearn(2, "ssd", "class:1", "--set", "alpha=0"), "alpha must be > 0");
        assertOneLine(unlearn(2, "ssd", "class:1", "--set", "lambda=-1"), "lambda");
        assertOneLine(unlearn(2, "salun", "class:1", "--set", "ratio=1.5"), "ratio must be in (0, 1]");
        assertOneLine(unlearn(2, "salun", "class:1", "--set", "ratio=0"), "ratio");
        assertOneLine(unlearn(2, "ssd", "class:1", "--set", "alhpa=3"), "alhpa");
        assertOneLine(unlearn(2, "forget-it", "class:1"), "unknown method");
        assertOneLine(Cli.runLeaving(model, "analytic", "fit", "--model", model.toString(), "--data", data.toString(),
                "--set", "gamma=0", "--out", out.toString()).expect(2).noStackTrace(), "gamma must be > 0");
        Cli.runLeaving(model, "unlearn", "--method", "ft", "--model", model.toString(), "--data", data.toString(),
                "--forget", "class:1", "--out", model.toString()).expect(2);
        assertTrue(Files.notExists(out));
    }

    @Test
    void analyticHeadFitsUnlearnsAndIsInspectable() throws Exception {
        Path withHead = dir.resolve("head.safetensors");
        Cli.runLeaving(model, "analytic", "fit", "--model", model.toString(), "--data", data.toString(),
                "--set", "buffer_size=32", "--out", withHead.toString()).expect(0);
        model = withHead;
        unlearn(0, "acu", "range:0-2");
        Path state = dir.resolve("analytic.safetensors");
        Cli.runLeaving(out, "inspect", "analytic", "--model", out.toString(), "--out", state.toString()).expect(0);
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile f = SafeTensorsFile.read(state);
            assertEquals(Set.of("analytic.buffer.weight", "analytic.W", "analytic.R"), f.tensors().keySet());
            Tensor r = f.tensors().get("analytic.R");
            assertEquals(32, r.shape()[0]);
        }
        // the unlearned head refuses what it no longer holds
        model = out;
        out = dir.resolve("again.safetensors");
        assertOneLine(unlearn(3, "acu", "range:1-1"), "1");
    }

    @Test
    void inspectWritesImportancesAndMasks() throws Exception {
        Path fisher = dir.resolve("fisher.safetensors");
        Cli.runLeaving(model, "inspect", "fisher", "--model", model.toString(), "--data", data.toString(),
                "--forget", "class:2", "--batch-size", "2", "--out", fisher.toString(),
                "--plot", dir.resolve("fisher.png").toString()).expect(0);
        Path saliency = dir.resolve("saliency.safetensors");
        Cli.runLeaving(model, "inspect", "saliency", "--model", model.toString(), "--data", data.toString(),
                "--forget", "class:2", "--set", "ratio=0.25", "--out", saliency.toString(),
                "--plot", dir.resolve("plots/saliency.png").toString()).expect(0);
        for (String png : new String[] {"fisher.png", "plots/saliency.png"}) {
            assertTrue(javax.imageio.ImageIO.read(dir.resolve(png).toFile()).getWidth() > 0, png);
        }
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile f = SafeTensorsFile.read(fisher);
            assertEquals(Set.of("fc1.weight", "fc1.bias", "head.weight", "head.bias"), f.tensors().keySet());
            SafeTensorsFile s = SafeTensorsFile.read(saliency);
            assertTrue(s.tensors().containsKey("threshold"));
            double ones = 0;
            double total = 0;
            for (String name : f.tensors().keySet()) {
                ones += s.tensors().get(name).sum().item();
                total += s.tensors().get(name).numel();
            }
            assertEquals(Math.floor(0.25 * total), ones);
        }
    }

    @Test
    void evalComparesWithTheReference() throws Exception {
        Path retrained = dir.resolve("retrained.safetensors");
        out = retrained;
        unlearn(0, "retrain", "class:0", "--set", "seed=0");
        Cli.Result r = Cli.runLeaving(model, "eval", "--model", model.toString(), "--data", data.toString(),
                "--test", data.toString(), "--forget", "class:0", "--reference", retrained.toString(), "--json")
                .expect(0);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("retrain", doc.get("rows").get(0).get("method").asText());
        assertEquals(2, doc.get("rows").size());
    }
}
