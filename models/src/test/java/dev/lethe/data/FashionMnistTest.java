package dev.lethe.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where Fashion-MNIST is found, and the split of the project's bundled copy. */
class FashionMnistTest {
    private static final Path SYSTEM = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    @Test
    void theProjectCarriesTheTestSetAndItsLicence() {
        Path bundled = FashionMnist.Locations.standard().bundled();
        assertNotNull(bundled, "data/fashion-mnist is found from the build");
        assertTrue(Files.isRegularFile(bundled.resolve("t10k-images-idx3-ubyte.gz")));
        assertTrue(Files.isRegularFile(bundled.resolve("t10k-labels-idx1-ubyte.gz")));
        assertTrue(Files.isRegularFile(bundled.resolve("LICENSE")));
    }

    @Test
    void bundledTestSetAloneIsSplitEightyTwentyPerClass() throws IOException {
        Path bundled = FashionMnist.Locations.standard().bundled();
        FashionMnist fm = FashionMnist.locate(new FashionMnist.Locations(null, dir.resolve("none"), bundled));
        assertTrue(fm.isTestSetOnly());
        assertTrue(fm.notice().orElseThrow().contains("8,000"), fm.notice().get());
        Dataset train = fm.load(FashionMnist.Split.TRAIN);
        Dataset test = fm.load(FashionMnist.Split.TEST);
        assertEquals(8000, train.size());
        assertEquals(2000, test.size());
        int[] perClassTrain = new int[10];
        Arrays.fill(perClassTrain, 800);
        int[] perClassTest = new int[10];
        Arrays.fill(perClassTest, 200);
        assertArrayEquals(perClassTrain, train.classCounts());
        assertArrayEquals(perClassTest, test.classCounts());
        Dataset all = DatasetFiles.readIdx(bundled.resolve("t10k-images-idx3-ubyte.gz"),
                bundled.resolve("t10k-labels-idx1-ubyte.gz"), Normalization.FASHION_MNIST, 10);
        int[] trainIdx = FashionMnist.bundledSplit(all, FashionMnist.Split.TRAIN);
        int[] testIdx = FashionMnist.bundledSplit(all, FashionMnist.Split.TEST);
        Set<Integer> seen = new HashSet<>();
        Arrays.stream(trainIdx).forEach(seen::add);
        Arrays.stream(testIdx).forEach(i -> assertTrue(seen.add(i), "index " + i + " in both splits"));
        assertEquals(10000, seen.size());
        assertEquals(9, all.label(0), "the first test image is an ankle boot");
        assertEquals(9, train.label(0), "and the first of the training split");
    }

    @Test
    void fullSetWinsOverTheBundledCopyAndTheEnvironmentComesFirst() throws IOException {
        assumeTrue(Files.isDirectory(SYSTEM), "dataset-fashion-mnist is not installed");
        Path env = dir.resolve("fashion-mnist");
        Files.createDirectories(env);
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.createSymbolicLink(env.resolve(f), SYSTEM.resolve(f));
        }
        Path bundled = FashionMnist.Locations.standard().bundled();
        FashionMnist fromEnv = FashionMnist.locate(new FashionMnist.Locations(env, SYSTEM, bundled));
        assertEquals(env, fromEnv.directory());
        FashionMnist fromSystem = FashionMnist.locate(new FashionMnist.Locations(dir.resolve("empty"), SYSTEM, bundled));
        assertEquals(SYSTEM, fromSystem.directory());
        assertFalse(fromSystem.isTestSetOnly());
        assertTrue(fromSystem.notice().isEmpty());
        Dataset test = fromSystem.load(FashionMnist.Split.TEST);
        assertEquals(10000, test.size());
        assertEquals(9, test.label(0));
        Dataset train = fromSystem.load(FashionMnist.Split.TRAIN);
        assertEquals(60000, train.size());
        assertEquals(1 * 28 * 28, train.imageSize());
    }

    @Test
    void nothingFoundNamesAllThreePlaces() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> FashionMnist.locate(
                new FashionMnist.Locations(null, dir.resolve("system"), dir.resolve("bundled"))));
        assertTrue(e.getMessage().contains("$LETHE_DATA/fashion-mnist/ (LETHE_DATA is not set)"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("system") + "/ (Debian package dataset-fashion-mnist)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("project's copy " + dir.resolve("bundled")), e.getMessage());
    }
}
