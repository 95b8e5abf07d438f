package dev.lethe.tensor;

/**
 * Where a tensor's storage lives: the host ({@code cpu}) or an accelerator ({@code cuda:0}).
 *
 * @param type  backend family, e.g. {@code "cpu"} or {@code "cuda"}
 * @param index device ordinal within the family (0 for the CPU)
 */
public record Device(String type, int index) {
    /** The host. */
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("device type must not be empty");
        }
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:1}. */
    public static Device parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return text.equals("cpu") ? CPU : new Device(text, 0);
        }
        try {
            return new Device(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device '" + text + "': expected TYPE or TYPE:INDEX");
        }
    }

    @Override
    public String toString() {
        return type.equals("cpu") ? "cpu" : type + ":" + index;
    }
}
