package dev.lethe.unlearn;

/**
 * An unlearning request that cannot be answered as given: forget indices out of range or
 * repeated, an empty forget set or one holding all of D, a class that does not exist, ACU asked
 * of a model without an analytic head. It is bad input (the command's exit code 3).
 */
public class BadRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** With the message that names what is wrong. */
    public BadRequestException(String message) {
        super(message);
    }
}
