package dev.lethe.tensor.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that does not follow its format: the one exception the safetensors and IDX readers
 * throw for bad content (truncation, an inconsistent header, offsets outside the file, ...).
 * It is an {@link IOException} because the cause is the file, not the calling code; an
 * {@code IOException} of another type means the file system failed, not the format.
 *
 * <p>The message always starts with the file, followed by the problem, and names the tensor
 * when one entry is at fault: {@code model.safetensors: tensor "fc.weight": data_offsets
 * [0, 20] hold 20 bytes, but F32 [2, 3] needs 24}.
 */
public final class MalformedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /** A problem with {@code file}; {@code problem} says what is wrong, without the file name. */
    public MalformedFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** As {@link #MalformedFileException(Path, String)}, keeping the lower-level cause. */
    public MalformedFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
