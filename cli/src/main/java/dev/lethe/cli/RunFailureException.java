package dev.lethe.cli;

/** A run that started on good input and could not finish (exit code 4): e.g. out of memory. */
public final class RunFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described in one line, keeping what caused it for {@code --verbose}. */
    public RunFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
