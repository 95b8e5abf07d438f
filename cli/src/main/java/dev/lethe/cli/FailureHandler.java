package dev.lethe.cli;

import dev.lethe.tensor.DeviceOutOfMemoryException;
import dev.lethe.tensor.io.MalformedFileException;
import dev.lethe.train.NonFiniteLossException;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure of every command into an exit code and one line on standard error
 * (CLI.md): 2 usage error, 3 bad input (a missing or corrupt file, a shape, name or label that
 * does not fit), 4 run failure (non-finite loss, out of memory, anything unforeseen), 5 the
 * requested device is unavailable. The stack trace is shown only with {@code --verbose}.
 */
public final class FailureHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** The command did what was asked. */
    public static final int SUCCESS = 0;
    /** Bad options or arguments. */
    public static final int USAGE = 2;
    /** A missing or corrupt file, or data that does not fit the model. */
    public static final int BAD_INPUT = 3;
    /** The run could not finish (non-finite loss, out of memory, an internal error). */
    public static final int RUN_FAILURE = 4;
    /** The requested device is not available here. */
    public static final int DEVICE_UNAVAILABLE = 5;

    private final Console console;

    /** Reports on {@code console}'s error stream. */
    public FailureHandler(Console console) {
        this.console = console;
    }

    /** The exit code of a failure (see the class comment). */
    public static int exitCode(Throwable t) {
        if (t instanceof ParameterException || t instanceof InvalidHyperparameterException) {
            return USAGE;
        }
        if (t instanceof DeviceUnavailableException) {
            return DEVICE_UNAVAILABLE;
        }
        if (t instanceof BadInputException || t instanceof IOException || t instanceof IllegalArgumentException) {
            // IllegalArgumentException covers what the model and data layers reject in a file's content:
            // state-dict mismatches, malformed configs, labels and shapes that do not fit.
            return BAD_INPUT;
        }
        return RUN_FAILURE;
    }

    /** The failure in one line, naming what is at fault. */
    public static String message(Throwable t) {
        String text;
        if (t instanceof NoSuchFileException e) {
            text = "no such file: " + e.getFile();
        } else if (t instanceof AccessDeniedException e) {
            text = "permission denied: " + e.getFile();
        } else if (t instanceof OutOfMemoryError) {
            text = "out of memory (" + t.getMessage() + "); try a smaller --batch-size, or give the JVM more memory "
                    + "through LETHE_JAVA_OPTS (e.g. -Xmx8g -Dorg.bytedeco.javacpp.maxbytes=16g)";
        } else if (t instanceof DeviceOutOfMemoryException) {
            text = t.getMessage() + "; try a smaller --batch-size";
        } else if (t instanceof BadInputException || t instanceof RunFailureException
                || t instanceof DeviceUnavailableException || t instanceof NonFiniteLossException
                || t instanceof MalformedFileException || t instanceof FileNotFoundException
                || t instanceof IllegalArgumentException || t instanceof IOException) {
            text = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        } else {
            text = "internal error: " + t + (t.getStackTrace().length > 0 ? " at " + t.getStackTrace()[0] : "");
        }
        return oneLine(text);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        return report(ex);
    }

    /** Reports {@code t} and returns its exit code; for failures thrown outside picocli's handling. */
    public int report(Throwable t) {
        PrintStream err = console.err();
        err.println("error: " + message(t));
        if (console.verbose()) {
            t.printStackTrace(err);
        } else if (exitCode(t) == RUN_FAILURE && !(t instanceof NonFiniteLossException)
                && !(t instanceof RunFailureException) && !(t instanceof DeviceOutOfMemoryException)) {
            err.println("(run again with --verbose for the stack trace)");
        }
        err.flush();
        return exitCode(t);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintStream err = console.err();
        CommandLine cmd = ex.getCommandLine();
        err.println("error: " + oneLine(ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        if (console.verbose()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
