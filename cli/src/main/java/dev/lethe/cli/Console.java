package dev.lethe.cli;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a run of the command writes: results to {@link #out()}, progress, notices and errors to
 * {@link #err()}; and whether failures show their stack trace ({@code --verbose}). One instance
 * per run, shared by every command of it, so tests can capture both streams.
 */
public final class Console {
    private final PrintStream out;
    private final PrintStream err;
    private final Set<String> notices = new HashSet<>();
    private boolean verbose;

    /** A console writing results to {@code out} and everything else to {@code err}. */
    public Console(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Standard output: results only. */
    public PrintStream out() {
        return out;
    }

    /** Standard error: progress, notices, errors. */
    public PrintStream err() {
        return err;
    }

    /** Prints {@code text} as a note on the error stream, once per run however often it is given. */
    public void notice(String text) {
        if (notices.add(text)) {
            err.println("note: " + text);
        }
    }

    /** True when failures should show their stack trace. */
    public boolean verbose() {
        return verbose;
    }

    /** Turns stack traces of failures on or off. */
    public void verbose(boolean on) {
        this.verbose = on;
    }
}
