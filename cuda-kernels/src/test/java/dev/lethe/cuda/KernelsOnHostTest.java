package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Every project kernel in {@code src/main/cuda} run on the host by {@code src/test/cuda}'s
 * emulation (a thread per CUDA thread, barriers for {@code __syncthreads}, one lock for atomics)
 * against plain loops: elementwise and integer ops, reductions, softmax and cross-entropy,
 * argmax and the radix select, gather and scatter-add, dropout, the fused SGD/AdamW/SSD updates,
 * pooling and normalisation. The kernels' source is compiled unchanged by the host's C++20
 * compiler, so CI checks their index arithmetic and block reductions without a GPU; what it
 * cannot check (the device's own float rounding in {@code exp} and friends, launch limits,
 * memory transfers) is left to the {@code gpu} tests. Skipped where no C++ compiler exists.
 */
class KernelsOnHostTest {

    private static String compiler() {
        for (String name : new String[] {System.getenv().getOrDefault("CXX", ""), "g++", "c++", "clang++"}) {
            if (name.isEmpty()) {
                continue;
            }
            if (name.contains("/")) {
                if (Files.isExecutable(Path.of(name))) {
                    return name;
                }
                continue;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "timed out: " + command);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }

    @Test
    void everyKernelComputesWhatItsPlainLoopComputes(@TempDir Path dir) throws Exception {
        String cxx = compiler();
        assumeTrue(cxx != null, "no C++ compiler here");
        Path exe = dir.resolve("kernels_on_host");
        List<String> compile = new ArrayList<>(List.of(cxx, "-std=c++20", "-O1", "-ffp-contract=off", "-pthread",
                "-I", Path.of("src/main/cuda").toAbsolutePath().toString(),
                "-I", Path.of("src/test/cuda").toAbsolutePath().toString(),
                "-o", exe.toString(), Path.of("src/test/cuda/kernels_on_host.cpp").toAbsolutePath().toString()));
        run(compile, 300);
        String report = run(List.of(exe.toString()), 300);
        System.out.print(report);
        assertTrue(report.strip().endsWith(" 0 failed"), report);
    }
}
