package dev.lethe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lethe analytic}: the group of commands about ACU's analytic head. */
@Command(name = "analytic", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "fit",
        description = "Attach a closed-form analytic head to a trained model (what acu unlearns from).")
final class AnalyticCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say what to do: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
