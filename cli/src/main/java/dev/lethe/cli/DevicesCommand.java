package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.cpu.CpuBackend;
import dev.lethe.tensor.cpu.CpuThreads;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe devices}: every backend Lethe knows ({@link Backends#all()}), whether it can run
 * here and why not, with the CPU's threads, memory limits and BLAS library. A CUDA backend that
 * is not even on the class path is listed too, so the answer to "why no GPU?" is always there.
 * {@code --json} prints {@code {"backends": [{"name", "available", "reason", "devices": [...]}]}}.
 */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List backends and devices, their memory and libraries, and why one is unavailable.")
final class DevicesCommand extends LetheCommand {
    private static final String NO_CUDA = "this build has no CUDA backend on its class path";

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    private boolean json;

    DevicesCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws IOException {
        List<Map<String, Object>> backends = new ArrayList<>();
        boolean cuda = false;
        for (Backend b : Backends.all()) {
            cuda |= b.device().type().equals("cuda");
            backends.add(describe(b));
        }
        if (!cuda) {
            backends.add(entry("cuda", false, NO_CUDA, List.of()));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("backends", backends);
        doc.put("lethe", Version.number());
        doc.put("java", System.getProperty("java.version"));
        doc.put("javacpp", Loader.getVersion());
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            console.out().println(mapper.writeValueAsString(doc));
        } else {
            printTable(console.out(), backends);
        }
    }

    private static Map<String, Object> describe(Backend b) {
        if (!b.isAvailable()) {
            return entry(b.name(), false, b.unavailableReason(), List.of());
        }
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("name", b.device().toString());
        if (b.device().type().equals("cpu")) {
            device.put("threads", CpuThreads.threads());
            device.put("processors", Runtime.getRuntime().availableProcessors());
            device.put("memory_bytes", Pointer.totalPhysicalBytes());
            device.put("java_heap_max_bytes", Runtime.getRuntime().maxMemory());
            device.put("off_heap_max_bytes", Pointer.maxBytes());
            device.put("blas", openblas.OPENBLAS_VERSION.strip());
            device.put("blas_threads", openblas.blas_get_num_threads());
            device.put("convolutions", CpuBackend.convolutionLibrary());
        } else {
            device.putAll(b.details());
        }
        return entry(b.name(), true, "", List.of(device));
    }

    private static Map<String, Object> entry(String name, boolean available, String reason, List<Object> devices) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("available", available);
        m.put("reason", reason);
        m.put("devices", devices);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintStream out, List<Map<String, Object>> backends) {
        out.printf(Locale.ROOT, "%-8s %-11s %s%n", "backend", "available", "details");
        for (Map<String, Object> b : backends) {
            boolean available = (Boolean) b.get("available");
            List<Object> devices = (List<Object>) b.get("devices");
            String details = available ? "" : (String) b.get("reason");
            for (Object d : devices) {
                Map<String, Object> dev = (Map<String, Object>) d;
                details = dev.containsKey("threads") ? String.format(Locale.ROOT,
                        "%s: %d threads (%d processors), %s (%d threads), convolutions on %s, memory %s, "
                                + "Java heap up to %s, tensors up to %s", dev.get("name"), dev.get("threads"),
                        dev.get("processors"), dev.get("blas"), dev.get("blas_threads"), dev.get("convolutions"),
                        bytes(dev.get("memory_bytes")),
                        bytes(dev.get("java_heap_max_bytes")), bytes(dev.get("off_heap_max_bytes")))
                        : dev.containsKey("gpu") ? String.format(Locale.ROOT,
                        "%s: %s (compute %s, %s SMs), memory %s (%s free), driver CUDA %s, runtime CUDA %s, cuDNN %s",
                        dev.get("name"), dev.get("gpu"), dev.get("compute_capability"), dev.get("multiprocessors"),
                        bytes(dev.get("memory_bytes")), bytes(dev.get("memory_free_bytes")), dev.get("driver_cuda"),
                        dev.get("runtime_cuda"), dev.get("cudnn"))
                        : String.valueOf(dev.get("name"));
            }
            out.printf(Locale.ROOT, "%-8s %-11s %s%n", b.get("name"), available ? "yes" : "no", details);
        }
    }

    private static String bytes(Object value) {
        long b = ((Number) value).longValue();
        return b <= 0 ? "unlimited" : String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
}
