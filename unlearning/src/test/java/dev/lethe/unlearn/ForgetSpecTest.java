package dev.lethe.unlearn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.data.Dataset;
import dev.lethe.data.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forget-set specs of CLI.md and the bad requests UNLEARNING.md rejects. */
class ForgetSpecTest {
    /** Ten samples of 1×1×1 pixels, labels 0,1,2,0,1,2,0,1,2,0. */
    private static Dataset data() {
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
        return Dataset.ofBytes("toy", new byte[10], labels, 1, 1, 1, 3, Normalization.SCALE_ONLY);
    }

    @Test
    void classSpecTakesEverySampleOfTheClasses() throws IOException {
        assertArrayEquals(new int[] {1, 4, 7}, ForgetSpec.parse("class:1", data()).indices());
        assertArrayEquals(new int[] {1, 2, 4, 5, 7, 8}, ForgetSpec.parse("class:2,1", data()).indices());
    }

    @Test
    void rangeIsInclusiveAndIndexFilesIgnoreOrderAndBlankLines(@TempDir Path dir) throws IOException {
        assertArrayEquals(new int[] {2, 3, 4}, ForgetSpec.parse("range:2-4", data()).indices());
        Path f = dir.resolve("forget.txt");
        Files.writeString(f, "7\n\n  3 \n0\n");
        assertArrayEquals(new int[] {0, 3, 7}, ForgetSpec.parse("indices:" + f, data()).indices());
    }

    @Test
    void randomSpecIsASortedSeededSampleOfTheFlooredSize() throws IOException {
        ForgetSet a = ForgetSpec.parse("random:0.35:4", data());
        assertEquals(3, a.size());
        int[] idx = a.indices();
        assertArrayEquals(idx, Arrays.stream(idx).sorted().distinct().toArray());
        assertArrayEquals(idx, ForgetSpec.parse("random:0.35:4", data()).indices());
        assertArrayEquals(ForgetSpec.parse("random:0.35", data()).indices(),
                ForgetSpec.parse("random:0.35:0", data()).indices());
    }

    @Test
    void randomIndicesAreUniform() {
        // Each of 20 indices drawn into a 5-subset 20000 times: expected frequency 1/4, sd ≈ 0.003.
        int[] hits = new int[20];
        for (int seed = 0; seed < 20000; seed++) {
            for (int i : ForgetSpec.randomIndices(20, 5, seed)) {
                hits[i]++;
            }
        }
        for (int h : hits) {
            assertEquals(0.25, h / 20000.0, 0.015);
        }
    }

    @Test
    void retainSetIsTheComplement() throws IOException {
        ForgetSet f = ForgetSpec.parse("class:0", data());
        assertArrayEquals(new int[] {1, 2, 4, 5, 7, 8}, f.retainIndices());
        assertTrue(f.contains(9));
    }

    @Test
    void badRequestsNameWhatIsWrong(@TempDir Path dir) throws IOException {
        Dataset d = data();
        assertTrue(assertThrows(BadRequestException.class, () -> ForgetSet.of(new int[] {3, 10}, 10, "x"))
                .getMessage().contains("10 is out of range"));
        assertTrue(assertThrows(BadRequestException.class, () -> ForgetSet.of(new int[] {-1}, 10, "x"))
                .getMessage().contains("-1 is out of range"));
        assertTrue(assertThrows(BadRequestException.class, () -> ForgetSet.of(new int[] {4, 2, 4}, 10, "x"))
                .getMessage().contains("4 appears more than once"));
        assertTrue(assertThrows(BadRequestException.class, () -> ForgetSet.of(new int[0], 10, "x"))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(BadRequestException.class, () -> ForgetSpec.parse("range:0-9", d))
                .getMessage().contains("holds all 10"));
        assertTrue(assertThrows(BadRequestException.class, () -> ForgetSpec.parse("class:3", d))
                .getMessage().contains("class 3 does not exist"));
        Path dup = dir.resolve("dup.txt");
        Files.writeString(dup, "1\n2\n1\n");
        assertThrows(BadRequestException.class, () -> ForgetSpec.parse("indices:" + dup, d));
        assertThrows(InvalidHyperparameterException.class, () -> ForgetSpec.parse("random:1.5", d));
        assertThrows(InvalidHyperparameterException.class, () -> ForgetSpec.parse("classes:1", d));
        assertThrows(InvalidHyperparameterException.class, () -> ForgetSpec.parse("range:4", d));
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> ForgetSpec.parse("indices:" + dir.resolve("none.txt"), d));
    }

    @Test
    void sequencesOfRequestsExcludeEarlierOnes() throws IOException {
        Dataset d = data();
        ForgetSet next = ForgetSet.of(new int[] {1, 4}, 10, "range:1-1");
        UnlearningRequest r = UnlearningRequest.following(d, new int[] {8, 0}, next);
        assertArrayEquals(new int[] {2, 3, 5, 6, 7, 9}, r.retainIndices());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 9}, r.remainingIndices());
        assertArrayEquals(new int[0], r.forgottenClasses());
        assertThrows(BadRequestException.class,
                () -> UnlearningRequest.following(d, new int[] {4}, next));
        UnlearningRequest whole = UnlearningRequest.following(d, new int[] {1}, ForgetSet.of(new int[] {4, 7}, 10, "c"));
        assertArrayEquals(new int[] {1}, whole.forgottenClasses());
        assertThrows(BadRequestException.class,
                () -> new UnlearningRequest(d, next, false).retainData());
    }
}
