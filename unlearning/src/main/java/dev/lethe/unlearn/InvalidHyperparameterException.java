package dev.lethe.unlearn;

/**
 * A method's hyper-parameter that is unknown or out of its range (α ≤ 0, a ratio outside (0, 1],
 * γ ≤ 0, ...). It is a usage error (the command's exit code 2); the message names the key, the
 * value and the allowed range.
 */
public class InvalidHyperparameterException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** With the message that names the key, the value and what is allowed. */
    public InvalidHyperparameterException(String message) {
        super(message);
    }
}
