package dev.lethe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Guards for the files commands write: an output never replaces one of the command's inputs. */
final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * A usage error when {@code output} and {@code input} are the same file (so that, e.g.,
     * {@code predict --out} can never overwrite the model it reads).
     */
    static void requireDistinct(LetheCommand command, Path output, String outputOption, Path input,
                                String inputOption) throws IOException {
        if (input == null || output == null) {
            return;
        }
        boolean same = Files.exists(output) && Files.exists(input) ? Files.isSameFile(output, input)
                : output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize());
        if (same) {
            throw command.usage(outputOption + " " + output + " is the file given to " + inputOption
                    + "; write the result to another file");
        }
    }
}
