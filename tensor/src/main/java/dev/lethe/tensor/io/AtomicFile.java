package dev.lethe.tensor.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a new file in the same directory, is
 * flushed to disk ({@code fsync}), and is then renamed over the target in one atomic step. A
 * crash or an exception at any point leaves either the old file or the new one, never a
 * half-written mix; the temporary file is deleted when the write fails.
 */
public final class AtomicFile {
    /** Writes a file's content. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything, starting at the channel's position 0. */
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {
    }

    /** Writes {@code content} to {@code target}, replacing any existing file atomically. */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        // CREATE_NEW (not createTempFile) so the file gets the usual permissions instead of 0600.
        Path temporary = directory.resolve("." + absolute.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            syncDirectory(directory);
        } finally {
            if (!moved) {
                deleteAfterFailure(temporary);
            }
        }
    }

    /** Makes the rename itself durable where the platform allows opening a directory (POSIX). */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible on every platform; the data itself is already on disk.
        }
    }

    private static void deleteAfterFailure(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // The original failure is what the caller needs to see; a stray ".tmp" file is harmless.
        }
    }
}
