package dev.lethe.tensor.io;

import dev.lethe.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: what each tensor is and where its bytes lie,
 * without the data. Every entry has been checked against the file (see
 * {@link SafeTensorsReader}), so reading any of them allocates exactly the stated size.
 *
 * @param file       the file the header came from
 * @param entries    tensors by name, in the order the header lists them
 * @param metadata   the {@code __metadata__} pairs (empty when absent), in header order
 * @param dataStart  file position of the data section (8 + header length)
 * @param dataLength bytes from {@code dataStart} to the end of the file
 */
public record SafeTensorsHeader(Path file, Map<String, Entry> entries, Map<String, String> metadata,
                                long dataStart, long dataLength) {

    /**
     * One tensor of the file.
     *
     * @param name  its name
     * @param dtype its stored element type
     * @param shape its dimensions (rank 0 for a scalar)
     * @param begin first byte, relative to the data section
     * @param end   one past the last byte, relative to the data section
     */
    public record Entry(String name, SafeTensorsDType dtype, int[] shape, long begin, long end) {
        /** Copies the shape, so the entry stays immutable. */
        public Entry {
            shape = shape.clone();
        }

        /** A copy of the dimensions. */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements. */
        public int numel() {
            return (int) ((end - begin) / dtype.itemSize());
        }

        /** {@code F32 [2, 3]}, as printed in messages. */
        public String describe() {
            return dtype + " " + Shape.str(shape);
        }
    }

    /** Wraps the maps read-only, keeping their order. */
    public SafeTensorsHeader {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    /** The entry called {@code name}; an IllegalArgumentException listing the file's names when absent. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor \"" + name + "\" in " + file + "; it holds " + names());
        }
        return e;
    }
}
