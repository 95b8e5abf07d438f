package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's Philox and dropout rule (philox.cuh, the very code random.cu runs) compiled for
 * the host by nvcc and compared with {@link Philox} and the CPU backend's dropout mask: the same
 * seed gives the same words and the same mask. Needs nvcc, not a GPU; skipped without nvcc.
 */
class PhiloxKernelTest {

    private static String nvcc() {
        List<String> candidates = new ArrayList<>();
        if (System.getenv("NVCC") != null) {
            candidates.add(System.getenv("NVCC"));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            candidates.add(dir + "/nvcc");
        }
        candidates.add(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda") + "/bin/nvcc");
        for (String c : candidates) {
            if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    private static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text.lines().toList();
    }

    @Test
    void theDevicePhiloxAndDropoutRuleMatchTheCpu(@TempDir Path dir) throws Exception {
        String nvcc = nvcc();
        assumeTrue(nvcc != null, "no nvcc here");
        Path exe = dir.resolve("philox_host_check");
        run(List.of(nvcc, "-std=c++17", "-I", Path.of("src/main/cuda").toAbsolutePath().toString(), "-o",
                exe.toString(), Path.of("src/test/cuda/philox_host_check.cu").toAbsolutePath().toString()));

        long seed = 0x1234_5678_9abc_def0L; // both key words nonzero
        double p = 0.3;
        int n = 1027; // not a multiple of four
        Philox rng = new Philox(seed);
        rng.advance(5); // a request that does not start at counter 0
        long start = rng.counter();
        List<String> lines = run(List.of(exe.toString(), Long.toUnsignedString(seed), Long.toString(start),
                Integer.toString(n), Double.toString(p)));
        assertEquals(n, lines.size());

        Tensor mask = Backends.cpu().dropoutMask(new int[] {n}, DType.FLOAT64, p, rng);
        double[] want = mask.toDoubleArray();
        int[] w = new int[4];
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            String[] parts = lines.get(i).split(" ");
            new Philox(seed).block(start + i / 4, w);
            assertEquals(Integer.toUnsignedLong(w[i % 4]), Long.parseLong(parts[0]), "Philox word of element " + i);
            assertEquals(want[i], Double.parseDouble(parts[1]), 0.0, "dropout value of element " + i);
            dropped += want[i] == 0 ? 1 : 0;
        }
        assertEquals(p, dropped / (double) n, 0.05, "about p of the elements are dropped");
        assertEquals(start + (n + 3) / 4, rng.counter(), "the mask reserved ceil(n/4) blocks");
    }
}
