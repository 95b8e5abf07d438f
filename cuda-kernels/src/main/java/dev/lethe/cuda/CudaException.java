package dev.lethe.cuda;

/** A CUDA driver call failed; the message names the call and the driver's error code. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message. */
    public CudaException(String message) {
        super(message);
    }
}
