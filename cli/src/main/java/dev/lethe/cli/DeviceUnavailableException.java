package dev.lethe.cli;

/** The device named by {@code --device} cannot be used here (exit code 5); the message says why. */
public final class DeviceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The device and the reason, in one line. */
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
