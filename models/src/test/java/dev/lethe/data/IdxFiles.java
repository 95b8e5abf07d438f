package dev.lethe.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests: unsigned bytes (type 0x08) or big-endian ints (0x0C). */
final class IdxFiles {
    private IdxFiles() {
    }

    static Path ubyte(Path file, byte[] data, boolean gzip, int... dims) throws IOException {
        ByteBuffer b = header(0x08, dims, data.length);
        b.put(data);
        return write(file, b.array(), gzip);
    }

    static Path ints(Path file, int[] data, int... dims) throws IOException {
        ByteBuffer b = header(0x0C, dims, 4 * data.length);
        for (int v : data) {
            b.putInt(v);
        }
        return write(file, b.array(), false);
    }

    private static ByteBuffer header(int type, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b;
    }

    private static Path write(Path file, byte[] bytes, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
        return file;
    }
}
