package dev.lethe.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Positional whole-buffer reads and writes on a {@link FileChannel}, which may transfer less per call. */
final class ChannelIO {
    private ChannelIO() {
    }

    /**
     * Fills {@code dst} from {@code position} on. A file that ends first is malformed: the
     * header promised bytes that are not there ({@code what} names them in the message).
     */
    static void readFully(FileChannel channel, ByteBuffer dst, long position, Path file, String what)
            throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new MalformedFileException(file, "file ends at byte " + at + ", inside " + what);
            }
            at += n;
        }
    }

    /** Writes all of {@code src} at the channel's current position. */
    static void writeFully(FileChannel channel, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }
}
