package dev.lethe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the console, usage errors that point at the command, and the
 * translation of running out of memory (an {@link Error}, which picocli would not hand to the
 * {@link FailureHandler}) into a run failure.
 */
abstract class LetheCommand implements Callable<Integer> {
    /** Where results and messages go. */
    protected final Console console;

    @Spec
    private CommandSpec spec;

    LetheCommand(Console console) {
        this.console = console;
    }

    /** Does the command's work; failures are exceptions (see {@link FailureHandler}). */
    protected abstract void run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            run();
        } catch (OutOfMemoryError e) {
            throw new RunFailureException(FailureHandler.message(e), e);
        }
        console.out().flush();
        return FailureHandler.SUCCESS;
    }

    /** A usage error (exit code 2) of this command. */
    protected ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
