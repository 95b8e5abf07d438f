package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs the command in-process, as {@code lethe ARGS...} would, capturing both streams. */
final class Cli {
    private Cli() {
    }

    /** What one run returned and printed. */
    record Result(int code, String out, String err) {
        /** Fails with both streams shown unless the exit code is {@code expected}. */
        Result expect(int expected) {
            assertEquals(expected, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }

        /** Fails when standard error holds a stack trace. */
        Result noStackTrace() {
            assertFalse(err.contains("\tat ") || err.contains("Exception:") || err.contains("Error:"),
                    () -> "stack trace or exception name on stderr:\n" + err);
            return this;
        }
    }

    /** Runs {@code lethe args...}. */
    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = Main.commandLine(o, e).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Runs {@code lethe args...} and checks that {@code file} is byte for byte and timestamp the same afterwards. */
    static Result runLeaving(Path file, String... args) throws IOException {
        byte[] before = Files.readAllBytes(file);
        var modified = Files.getLastModifiedTime(file);
        Result r = run(args);
        boolean same = Arrays.equals(before, Files.readAllBytes(file))
                && modified.equals(Files.getLastModifiedTime(file));
        assertTrue(same, () -> file + " was modified by lethe " + String.join(" ", args));
        return r;
    }
}
