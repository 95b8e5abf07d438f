package dev.lethe.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds and loads Fashion-MNIST (Xiao et al. 2017): 28×28 gray images of 10 clothing classes,
 * 60,000 for training and 10,000 for testing, as IDX files (gzipped or not).
 *
 * <p>Places searched, in order (MODELS.md): {@code $LETHE_DATA/fashion-mnist/}, then
 * {@code /usr/share/datasets/fashion-mnist/} (Debian's {@code dataset-fashion-mnist}), then the
 * copy the project carries in {@code data/fashion-mnist/}. The first place with all four files
 * wins. The project's copy holds only the 10,000 test images; when it is all there is, its images
 * are split per class in file order, the first 80% of each class for training and the rest for
 * testing (8,000 / 2,000), and {@link #notice()} says so in one line.
 */
public final class FashionMnist {
    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Number of classes. */
    public static final int CLASSES = 10;

    /** Image side in pixels. */
    public static final int SIDE = 28;

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** The two halves of the dataset. */
    public enum Split {
        /** The training images. */
        TRAIN,
        /** The test images. */
        TEST;

        /** {@code train} or {@code test}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The places to search.
     *
     * @param fromEnvironment {@code $LETHE_DATA/fashion-mnist}, or null when LETHE_DATA is not set
     * @param system          the Debian package's directory
     * @param bundled         the project's copy, or null when it could not be found
     */
    public record Locations(Path fromEnvironment, Path system, Path bundled) {
        /** The standard places: the environment, the system directory, the project's copy. */
        public static Locations standard() {
            String env = System.getenv("LETHE_DATA");
            Path fromEnv = env == null || env.isBlank() ? null : Path.of(env, "fashion-mnist");
            return new Locations(fromEnv, Path.of("/usr/share/datasets/fashion-mnist"), findBundled());
        }
    }

    private final Path directory;
    private final boolean testSetOnly;
    private Dataset bundledTestSet;

    private FashionMnist(Path directory, boolean testSetOnly) {
        this.directory = directory;
        this.testSetOnly = testSetOnly;
    }

    /** Searches the standard places; see {@link #locate(Locations)}. */
    public static FashionMnist locate() throws FileNotFoundException {
        return locate(Locations.standard());
    }

    /**
     * The first place holding all four files; else the first holding the test pair (split as
     * the class comment says); else a FileNotFoundException that names all three places.
     */
    public static FashionMnist locate(Locations where) throws FileNotFoundException {
        List<Path> places = new ArrayList<>();
        if (where.fromEnvironment() != null) {
            places.add(where.fromEnvironment());
        }
        places.add(where.system());
        if (where.bundled() != null) {
            places.add(where.bundled());
        }
        for (Path p : places) {
            if (Files.isDirectory(p) && find(p, TRAIN_IMAGES) != null && find(p, TRAIN_LABELS) != null
                    && find(p, TEST_IMAGES) != null && find(p, TEST_LABELS) != null) {
                return new FashionMnist(p, false);
            }
        }
        for (Path p : places) {
            if (Files.isDirectory(p) && find(p, TEST_IMAGES) != null && find(p, TEST_LABELS) != null) {
                return new FashionMnist(p, true);
            }
        }
        throw new FileNotFoundException("Fashion-MNIST not found. Looked in "
                + (where.fromEnvironment() != null ? where.fromEnvironment() + "/ ($LETHE_DATA/fashion-mnist)"
                        : "$LETHE_DATA/fashion-mnist/ (LETHE_DATA is not set)")
                + ", " + where.system() + "/ (Debian package dataset-fashion-mnist)"
                + ", and the project's copy " + (where.bundled() != null ? where.bundled() + "/"
                        : "data/fashion-mnist/ (not found above " + Path.of("").toAbsolutePath() + ")")
                + ". Each needs " + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS
                + " (.gz or not); the project's copy needs only the last two.");
    }

    /** The directory the data comes from. */
    public Path directory() {
        return directory;
    }

    /** True when only the test set was found and both splits come from it. */
    public boolean isTestSetOnly() {
        return testSetOnly;
    }

    /** One line to show the user when the splits are not the standard ones; empty otherwise. */
    public Optional<String> notice() {
        if (!testSetOnly) {
            return Optional.empty();
        }
        return Optional.of("Fashion-MNIST: only the 10,000 test images were found (" + directory + "); using 80% "
                + "of each class (8,000) for training and the rest (2,000) for testing. For the full 60,000/10,000 "
                + "set, install dataset-fashion-mnist or set LETHE_DATA.");
    }

    /** The images of {@code split}, normalised with {@link Normalization#FASHION_MNIST} when read. */
    public Dataset load(Split split) throws IOException {
        if (!testSetOnly) {
            String images = split == Split.TRAIN ? TRAIN_IMAGES : TEST_IMAGES;
            String labels = split == Split.TRAIN ? TRAIN_LABELS : TEST_LABELS;
            Dataset d = DatasetFiles.readIdx(find(directory, images), find(directory, labels),
                    Normalization.FASHION_MNIST, CLASSES);
            return d.requireImageShape(1, SIDE, SIDE);
        }
        Dataset all = bundledTestSet();
        return all.subset(bundledSplit(all, split), "fashion-mnist:" + split.label() + ", 80/20 per class");
    }

    private synchronized Dataset bundledTestSet() throws IOException {
        if (bundledTestSet == null) {
            bundledTestSet = DatasetFiles.readIdx(find(directory, TEST_IMAGES), find(directory, TEST_LABELS),
                    Normalization.FASHION_MNIST, CLASSES).requireImageShape(1, SIDE, SIDE);
        }
        return bundledTestSet;
    }

    /** Per class in file order: the first 80% (rounded down) train, the rest test. */
    static int[] bundledSplit(Dataset all, Split split) {
        int[] total = all.classCounts();
        int[] seen = new int[total.length];
        int[] picked = new int[all.size()];
        int n = 0;
        for (int i = 0; i < all.size(); i++) {
            int c = all.label(i);
            boolean train = seen[c]++ < total[c] * 4 / 5;
            if (train == (split == Split.TRAIN)) {
                picked[n++] = i;
            }
        }
        return Arrays.copyOf(picked, n);
    }

    /** {@code name} or {@code name.gz} in {@code dir}, or null. */
    private static Path find(Path dir, String name) {
        for (String candidate : List.of(name, name + ".gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The project's {@code data/fashion-mnist}: under the system property {@code lethe.home} if
     * set, else in the nearest ancestor of this code's location or of the working directory that
     * has it; null when none does.
     */
    private static Path findBundled() {
        String home = System.getProperty("lethe.home");
        if (home != null) {
            return Path.of(home, "data", "fashion-mnist");
        }
        List<Path> starts = new ArrayList<>();
        try {
            CodeSource code = FashionMnist.class.getProtectionDomain().getCodeSource();
            if (code != null) {
                starts.add(Path.of(code.getLocation().toURI()));
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // no usable code location; the working directory remains
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve("data").resolve("fashion-mnist");
                if (find(candidate, TEST_IMAGES) != null) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
