package dev.lethe.cli;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --device cpu|cuda|auto}: where a command computes. {@code auto} takes the CPU, the one
 * backend the models run on in this version; asking for CUDA where it cannot be used is exit
 * code 5 with the reason.
 */
final class DeviceOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--device", paramLabel = "cpu|cuda|auto", defaultValue = "auto",
            description = "Where to compute (default: ${DEFAULT-VALUE}, which is the CPU in this version).")
    private String device;

    /** The backend to compute on; a usage error for an unknown name, {@link DeviceUnavailableException} for CUDA. */
    Backend backend() {
        String name = device.toLowerCase(Locale.ROOT);
        if (name.equals("cpu") || name.equals("auto")) {
            return Backends.cpu();
        }
        if (!name.equals("cuda") && !name.matches("cuda:\\d+")) {
            throw new ParameterException(mixee.commandLine(), "unknown device '" + device + "'; expected cpu, cuda, "
                    + "cuda:N or auto");
        }
        for (Backend b : Backends.all()) {
            if (b.device().type().equals("cuda")) {
                if (!b.isAvailable()) {
                    throw new DeviceUnavailableException("device " + device + " is unavailable: "
                            + b.unavailableReason());
                }
                throw new DeviceUnavailableException("device " + device + " is present, but this version runs models "
                        + "on the CPU only; use --device cpu");
            }
        }
        throw new DeviceUnavailableException("device " + device + " is unavailable: this build has no CUDA backend "
                + "on its class path (see 'lethe devices'); use --device cpu");
    }
}
