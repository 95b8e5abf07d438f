package dev.lethe.cli;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Device;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --device cpu|cuda|cuda:N|auto}: where a command computes. The command builds or loads
 * its model on the host and then moves it there ({@code model.to(device)}). {@code auto} takes
 * CUDA when a usable CUDA backend is on the class path, else the CPU. Naming a device that cannot
 * be used here (no backend for it, no usable GPU, another ordinal than the backend serves) is
 * exit code 5 with the reason. Any other backend found on the class path (see
 * {@code lethe devices}) is accepted by its type name too.
 */
final class DeviceOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--device", paramLabel = "cpu|cuda|auto", defaultValue = "auto",
            description = "Where to compute: cpu, cuda (or cuda:N), or auto = cuda when a usable GPU is found, "
                    + "else cpu (default: ${DEFAULT-VALUE}).")
    private String device;

    /**
     * The device to compute on: a usage error for a name that is not a device, a
     * {@link DeviceUnavailableException} for one that cannot be used here.
     */
    Device device() {
        String name = device.toLowerCase(Locale.ROOT);
        if (name.equals("auto")) {
            for (Backend b : Backends.all()) {
                if (b.device().type().equals("cuda") && b.isAvailable()) {
                    return b.device();
                }
            }
            return Device.CPU;
        }
        Device wanted;
        try {
            wanted = Device.parse(name);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
        if (wanted.equals(Device.CPU)) {
            return Device.CPU;
        }
        for (Backend b : Backends.all()) {
            if (b.device().type().equals(wanted.type())) {
                if (!b.isAvailable()) {
                    throw new DeviceUnavailableException("device " + device + " is unavailable: "
                            + b.unavailableReason());
                }
                if (b.device().index() != wanted.index()) {
                    throw new DeviceUnavailableException("device " + device + " is unavailable: this backend serves "
                            + b.device() + " only");
                }
                return b.device();
            }
        }
        if (wanted.type().equals("cuda")) {
            throw new DeviceUnavailableException("device " + device + " is unavailable: this build has no CUDA "
                    + "backend on its class path (see 'lethe devices'); use --device cpu");
        }
        throw unknown();
    }

    private ParameterException unknown() {
        return new ParameterException(mixee.commandLine(), "unknown device '" + device + "'; expected cpu, cuda, "
                + "cuda:N or auto");
    }
}
