package dev.lethe.tensor;

/**
 * A device backend could not allocate memory even after returning its cache to the device. The
 * message names the request and the backend's allocator figures (bytes in use, cached, peak),
 * so a caller can tell a too-large batch from a leak.
 */
public final class DeviceOutOfMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An out-of-memory failure described by {@code message}. */
    public DeviceOutOfMemoryException(String message) {
        super(message);
    }
}
