package dev.lethe.tensor;

import dev.lethe.tensor.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds backends: the CPU backend always, others (CUDA) through {@link ServiceLoader} when their
 * module is on the class path. A backend that fails to load is listed as unavailable with the
 * reason, and nothing else changes.
 */
public final class Backends {
    private static final Backend CPU = new CpuBackend();
    private static volatile List<Backend> all;

    private Backends() {
    }

    /** The CPU backend. */
    public static Backend cpu() {
        return CPU;
    }

    /** Every backend known, the CPU first; unavailable ones included so callers can show why. */
    public static List<Backend> all() {
        List<Backend> list = all;
        if (list == null) {
            synchronized (Backends.class) {
                list = all;
                if (list == null) {
                    list = new ArrayList<>();
                    list.add(CPU);
                    try {
                        for (Backend b : ServiceLoader.load(Backend.class)) {
                            if (!b.name().equals(CPU.name())) {
                                list.add(b);
                            }
                        }
                    } catch (java.util.ServiceConfigurationError | LinkageError e) {
                        // A broken provider must not take the CPU down with it.
                    }
                    all = list = List.copyOf(list);
                }
            }
        }
        return list;
    }

    /** The backend serving {@code device}; fails with the reason if it is unavailable. */
    public static Backend forDevice(Device device) {
        if (device.equals(Device.CPU)) {
            return CPU;
        }
        for (Backend b : all()) {
            if (b.device().type().equals(device.type())) {
                if (!b.isAvailable()) {
                    throw new IllegalStateException("backend " + b.name() + " is unavailable: " + b.unavailableReason());
                }
                return b;
            }
        }
        throw new IllegalArgumentException("no backend for device " + device);
    }
}
