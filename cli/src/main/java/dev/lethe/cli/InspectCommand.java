package dev.lethe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lethe inspect}: the group of commands that write what a model computes internally. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "WHAT",
        description = "Write a model's internals (gradients, SSD importances, SalUn masks, the analytic head) as safetensors files.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say what to inspect: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
