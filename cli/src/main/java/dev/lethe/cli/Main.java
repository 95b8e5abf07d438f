package dev.lethe.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code lethe} command (CLI.md): {@code demo}, {@code train}, {@code unlearn},
 * {@code analytic fit}, {@code eval}, {@code predict}, {@code inspect grad|fisher|saliency|analytic},
 * {@code devices} and {@code bench}. {@link #main} runs it and exits with its code; {@link #commandLine} builds
 * it around any two streams, which is how tests run it in-process:
 *
 * <pre>{@code
 * int code = Main.commandLine(out, err).execute("predict", "--model", "m.safetensors", ...);
 * }</pre>
 */
@Command(name = "lethe", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Machine unlearning on the JVM: train models, make them forget, measure how well they forgot.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:usage error",
            "3:bad input (missing or corrupt file, shape or name mismatch)",
            "4:run failure (non-finite loss, out of memory)", "5:the requested device is unavailable"})
public final class Main implements Callable<Integer> {
    private final Console console;

    @Spec
    private CommandSpec spec;

    private Main(Console console) {
        this.console = console;
    }

    /** Shows the stack trace of a failure; accepted by every command. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
    void verbose(boolean on) {
        console.verbose(on);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command given; one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The command with every subcommand, writing results to {@code out} and everything else to {@code err}. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        Console console = new Console(out, err);
        FailureHandler failures = new FailureHandler(console);
        CommandLine cmd = new CommandLine(new Main(console))
                .addSubcommand(new DemoCommand(console))
                .addSubcommand(new TrainCommand(console))
                .addSubcommand(new UnlearnCommand(console))
                .addSubcommand(new CommandLine(new AnalyticCommand())
                        .addSubcommand(new AnalyticFitCommand(console)))
                .addSubcommand(new EvalCommand(console))
                .addSubcommand(new PredictCommand(console))
                .addSubcommand(new CommandLine(new InspectCommand())
                        .addSubcommand(new InspectGradCommand(console))
                        .addSubcommand(new InspectImportanceCommand.Fisher(console))
                        .addSubcommand(new InspectImportanceCommand.Saliency(console))
                        .addSubcommand(new InspectImportanceCommand.Analytic(console)))
                .addSubcommand(new DevicesCommand(console))
                .addSubcommand(new BenchCommand(console));
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(err, true));
        cmd.setExecutionExceptionHandler(failures);
        cmd.setParameterExceptionHandler(failures);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine(System.out, System.err).execute(args));
    }
}
