package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.data.DatasetFiles;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on tiny synthetic data: train then predict, inspect grad against autograd, devices. */
class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void trainsAnMlpForOneEpochThenPredictsLogitsOfEveryImage() throws Exception {
        Path data = Fixtures.dataset(dir.resolve("data.safetensors"), 60, 1, 4, 4, 3);
        Path model = dir.resolve("model.safetensors");
        Cli.Result train = Cli.run("train", "--model", "mlp", "--set", "hidden=8", "--data", data.toString(),
                "--test", data.toString(), "--epochs", "1", "--batch-size", "16", "--out", model.toString())
                .expect(0);
        assertTrue(train.out().strip().startsWith("test accuracy "), train.out());
        assertTrue(train.err().contains("epoch 1/1"), train.err());

        ModelSpec spec = Checkpoint.spec(model);
        assertEquals(ModelSpec.of("mlp", Map.of("in_features", 16, "hidden", List.of(8), "num_classes", 3)), spec,
                "the config follows the data where --set is silent");

        Path logits = dir.resolve("logits.safetensors");
        Cli.run("predict", "--model", model.toString(), "--input", data.toString(), "--out", logits.toString(),
                "--batch-size", "7").expect(0);
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile out = SafeTensorsFile.read(logits);
            assertEquals(List.of("logits"), new ArrayList<>(out.tensors().keySet()));
            Tensor y = out.tensor("logits");
            assertEquals(DType.FLOAT32, y.dtype());
            assertArrayEquals(new int[] {60, 3}, y.shape());

            // The same logits as the model computes in eval mode on the images normalised as /255.
            Module net = Checkpoint.read(model).model().eval();
            Dataset d = DatasetFiles.readSafeTensors(data, ModelInputs.normalization(spec), 3);
            try (NoGrad g = NoGrad.enter()) {
                float[] expected = net.forward(d.images(d.allIndices())).value().toFloatArray();
                assertArrayEquals(expected, y.toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void trainsWithoutTestDataAndSaysSo() throws Exception {
        Path data = Fixtures.dataset(dir.resolve("data.safetensors"), 30, 1, 4, 4, 3);
        Cli.Result r = Cli.run("train", "--model", "mlp", "--set", "hidden=4", "--set", "optimizer=adamw",
                "--lr", "0.01", "--data", data.toString(), "--epochs", "1", "--out",
                dir.resolve("m.safetensors").toString()).expect(0);
        assertTrue(r.out().contains("no test data"), r.out());
    }

    @Test
    void aDivergingRunIsARunFailure() throws Exception {
        Path data = Fixtures.dataset(dir.resolve("data.safetensors"), 60, 1, 4, 4, 3);
        Cli.Result r = Cli.run("train", "--model", "mlp", "--set", "hidden=8", "--lr", "1e30", "--set",
                "schedule=constant", "--data", data.toString(), "--epochs", "3", "--batch-size", "8", "--out",
                dir.resolve("m.safetensors").toString()).expect(4).noStackTrace();
        assertTrue(r.err().contains("the loss became"), r.err());
        assertTrue(Files.notExists(dir.resolve("m.safetensors")));
    }

    @Test
    void inspectGradWritesEveryParameterAndTheLossAsAutogradComputesThem() throws Exception {
        Path data = Fixtures.dataset(dir.resolve("data.safetensors"), 40, 1, 4, 4, 3);
        Path model = Fixtures.model(dir.resolve("model.safetensors"), Fixtures.MLP);
        for (String mode : List.of("train", "eval")) {
            Path whole = dir.resolve("grad-" + mode + ".safetensors");
            Path batched = dir.resolve("grad-" + mode + "-b7.safetensors");
            Path png = dir.resolve("grad-" + mode + ".png");
            Cli.runLeaving(model, "inspect", "grad", "--model", model.toString(), "--data", data.toString(),
                    "--mode", mode, "--out", whole.toString(), "--plot", png.toString()).expect(0);
            assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() > 0, png + " is a PNG");
            Cli.runLeaving(model, "inspect", "grad", "--model", model.toString(), "--input", data.toString(),
                    "--mode", mode, "--batch-size", "7", "--out", batched.toString()).expect(0);
            Path forgetOnly = dir.resolve("grad-" + mode + "-forget.safetensors");
            Cli.runLeaving(model, "inspect", "grad", "--model", model.toString(), "--data", data.toString(),
                    "--mode", mode, "--forget", "range:0-6", "--out", forgetOnly.toString()).expect(0);
            try (MemoryScope scope = MemoryScope.open()) {
                Module net = Checkpoint.read(model).model().train(mode.equals("train"));
                Dataset d = DatasetFiles.readSafeTensors(data, ModelInputs.normalization(Fixtures.MLP), 3);
                Variable loss = net.forward(d.images(d.allIndices())).crossEntropy(d.labels(d.allIndices()), 0.0);
                loss.backward();

                SafeTensorsFile a = SafeTensorsFile.read(whole);
                SafeTensorsFile b = SafeTensorsFile.read(batched);
                List<String> names = new ArrayList<>(net.namedParameters().keySet());
                names.add("loss");
                assertEquals(names, new ArrayList<>(a.tensors().keySet()), "parameter names + loss, nothing else");
                assertEquals(names, new ArrayList<>(b.tensors().keySet()));
                for (Map.Entry<String, Variable> p : net.namedParameters().entrySet()) {
                    Tensor g = p.getValue().grad();
                    assertEquals(DType.FLOAT32, a.tensor(p.getKey()).dtype());
                    assertArrayEquals(g.shape(), a.tensor(p.getKey()).shape());
                    assertTrue(relativeError(a.tensor(p.getKey()), g) <= 1e-6, p.getKey() + " (whole batch)");
                    // Batches of 7: the same mean over all 40 samples, summed in another order.
                    assertTrue(relativeError(b.tensor(p.getKey()), g) <= 1e-5, p.getKey() + " (batches of 7)");
                }
                Tensor l = a.tensor("loss");
                assertEquals(0, l.rank());
                assertEquals(DType.FLOAT32, l.dtype());
                assertEquals(loss.item(), l.item(), 1e-6);
                assertEquals(loss.item(), b.tensor("loss").item(), 1e-5);

                // --forget range:0-6: the same gradient over the first seven samples alone
                net.zeroGrad();
                int[] first7 = {0, 1, 2, 3, 4, 5, 6};
                Variable forgetLoss = net.forward(d.images(first7)).crossEntropy(d.labels(first7), 0.0);
                forgetLoss.backward();
                SafeTensorsFile f = SafeTensorsFile.read(forgetOnly);
                for (Map.Entry<String, Variable> p : net.namedParameters().entrySet()) {
                    assertTrue(relativeError(f.tensor(p.getKey()), p.getValue().grad()) <= 1e-6,
                            p.getKey() + " (forget set)");
                }
                assertEquals(forgetLoss.item(), f.tensor("loss").item(), 1e-6);
            }
        }
    }

    @Test
    void devicesJsonListsTheCpuAsAvailable() throws Exception {
        Cli.Result r = Cli.run("devices", "--json").expect(0);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode backends = doc.get("backends");
        assertTrue(backends.isArray() && backends.size() >= 1, r.out());
        for (JsonNode b : backends) {
            assertTrue(b.get("name").isTextual() && b.get("available").isBoolean() && b.get("reason").isTextual()
                    && b.get("devices").isArray(), b.toString());
        }
        JsonNode cpu = backends.get(0);
        assertEquals("cpu", cpu.get("name").asText());
        assertTrue(cpu.get("available").asBoolean());
        assertTrue(cpu.get("devices").get(0).get("threads").asInt() >= 1);
        assertTrue(cpu.get("devices").get(0).get("convolutions").asText().startsWith("oneDNN "), r.out());
        Cli.run("devices").expect(0);
    }

    @Test
    void helpAndVersionSucceedOnEveryCommand() {
        for (String[] command : List.of(new String[] {}, new String[] {"train"}, new String[] {"predict"},
                new String[] {"inspect"}, new String[] {"inspect", "grad"}, new String[] {"devices"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.add("--help");
            assertTrue(Cli.run(args.toArray(String[]::new)).expect(0).out().contains("Usage: lethe"));
            args.set(args.size() - 1, "--version");
            assertTrue(Cli.run(args.toArray(String[]::new)).expect(0).out().startsWith("lethe " + Version.number()));
        }
    }

    private static double relativeError(Tensor actual, Tensor expected) {
        double[] a = actual.to(DType.FLOAT64).toDoubleArray();
        double[] e = expected.to(DType.FLOAT64).toDoubleArray();
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - e[i]) * (a[i] - e[i]);
            den += e[i] * e[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }
}
