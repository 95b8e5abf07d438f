package dev.lethe.cli;

/**
 * Input the command cannot use (exit code 3): a file or tensor that does not fit the model or
 * the command, named in the message.
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A problem with the input, described in one line that names the file, tensor or shape. */
    public BadInputException(String message) {
        super(message);
    }
}
