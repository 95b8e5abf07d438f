package dev.lethe.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, so tests control every field, valid or not. */
final class SafeTensorsBytes {
    private SafeTensorsBytes() {
    }

    /** 8-byte little-endian length of {@code header}, the header, then {@code data}. */
    static byte[] of(byte[] header, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(data).array();
    }

    /** As {@link #of(byte[], byte[])} with a JSON header given as text. */
    static byte[] of(String json, byte[] data) {
        return of(json.getBytes(StandardCharsets.UTF_8), data);
    }

    /** Writes {@link #of(String, byte[])} to {@code dir/name} and returns the path. */
    static Path write(Path dir, String name, String json, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), of(json, data));
    }

    /** Little-endian bytes of the given 16-bit patterns. */
    static byte[] shorts(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return b.array();
    }

    /** Little-endian bytes of the given floats. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
