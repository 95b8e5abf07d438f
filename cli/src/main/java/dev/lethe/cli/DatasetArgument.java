package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.data.DatasetFiles;
import dev.lethe.data.FashionMnist;
import dev.lethe.data.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code DATASET} argument (CLI.md): {@code fashion-mnist} (its training split),
 * {@code fashion-mnist:test} (or {@code :train}), a safetensors file with {@code images} and
 * {@code labels}, or {@code idx:IMAGES[,LABELS]} (without LABELS, the MNIST naming gives them:
 * {@code …-images-idx3-ubyte} → {@code …-labels-idx1-ubyte}).
 *
 * @param text   the argument as given, for messages
 * @param kind   which of the four forms
 * @param split  the Fashion-MNIST split, or null
 * @param images the safetensors or IDX images file, or null
 * @param labels the IDX labels file, or null
 */
record DatasetArgument(String text, Kind kind, FashionMnist.Split split, Path images, Path labels) {
    /** The forms of the argument. */
    enum Kind { FASHION_MNIST, SAFETENSORS, IDX }

    /** What the forms are, for messages. */
    static final String FORMS = "fashion-mnist, fashion-mnist:test, a safetensors file or idx:IMAGES[,LABELS]";

    private static final String FASHION_MNIST = "fashion-mnist";

    /** Parses {@code text}; an IllegalArgumentException says what is wrong with its syntax. */
    static DatasetArgument parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty dataset; expected " + FORMS);
        }
        if (t.equals(FASHION_MNIST) || t.equals(FASHION_MNIST + ":train")) {
            return new DatasetArgument(t, Kind.FASHION_MNIST, FashionMnist.Split.TRAIN, null, null);
        }
        if (t.equals(FASHION_MNIST + ":test")) {
            return new DatasetArgument(t, Kind.FASHION_MNIST, FashionMnist.Split.TEST, null, null);
        }
        if (t.startsWith(FASHION_MNIST + ":")) {
            throw new IllegalArgumentException("unknown Fashion-MNIST split in '" + t + "'; expected "
                    + FASHION_MNIST + ":train or " + FASHION_MNIST + ":test");
        }
        if (t.startsWith("idx:")) {
            String[] parts = t.substring(4).split(",", -1);
            if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
                throw new IllegalArgumentException("'" + t + "' is not idx:IMAGES or idx:IMAGES,LABELS");
            }
            Path images = Path.of(parts[0].strip());
            Path labels = parts.length == 2 ? Path.of(parts[1].strip()) : labelsBeside(images, t);
            return new DatasetArgument(t, Kind.IDX, null, images, labels);
        }
        return new DatasetArgument(t, Kind.SAFETENSORS, null, Path.of(t), null);
    }

    private static Path labelsBeside(Path images, String text) {
        String name = images.getFileName().toString();
        if (!name.contains("images-idx3")) {
            throw new IllegalArgumentException("'" + text + "' names no labels file and '" + name + "' does not follow "
                    + "the MNIST naming (…-images-idx3-ubyte); give idx:IMAGES,LABELS");
        }
        return images.resolveSibling(name.replace("images-idx3", "labels-idx1"));
    }

    /** Picocli's converter: a syntax error is a usage error. */
    static final class Converter implements ITypeConverter<DatasetArgument> {
        @Override
        public DatasetArgument convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** True for the bundled or installed Fashion-MNIST. */
    boolean isFashionMnist() {
        return kind == Kind.FASHION_MNIST;
    }

    /** Fashion-MNIST's test split when this is its training split; otherwise null. */
    DatasetArgument testSplit() {
        return kind == Kind.FASHION_MNIST && split == FashionMnist.Split.TRAIN ? parse(FASHION_MNIST + ":test") : null;
    }

    /**
     * Reads the dataset. 8-bit images of files are normalised with {@code eightBit}
     * (Fashion-MNIST always with its own statistics); {@code numClasses} &gt; 0 bounds the labels
     * (a label outside is an error naming it), 0 takes the file's class count or the largest label
     * + 1. A notice about the data actually used (only Fashion-MNIST's bundled test set found)
     * goes to the console.
     */
    Dataset load(Normalization eightBit, int numClasses, Console console) throws IOException {
        switch (kind) {
            case FASHION_MNIST -> {
                FashionMnist fm = FashionMnist.locate();
                fm.notice().ifPresent(console::notice);
                return fm.load(split);
            }
            case IDX -> {
                requireFile(images);
                requireFile(labels);
                return DatasetFiles.readIdx(images, labels, eightBit, numClasses);
            }
            default -> {
                requireFile(images);
                return DatasetFiles.readSafeTensors(images, eightBit, numClasses);
            }
        }
    }

    private void requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new BadInputException("dataset '" + text + "': " + (Files.exists(p) ? p + " is not a file"
                    : "no such file " + p) + " (a DATASET is " + FORMS + ")");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
