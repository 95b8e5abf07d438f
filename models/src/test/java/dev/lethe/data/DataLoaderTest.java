package dev.lethe.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.HostStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Batching, shuffling, determinism, prefetch hand-over and clean shutdown. */
class DataLoaderTest {

    /** 103 8-bit 1×6×6 images whose pixels encode their index, labels index % 10. */
    private static Dataset data(int n) {
        byte[] pixels = new byte[n * 36];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 36; j++) {
                pixels[i * 36 + j] = (byte) (i + j);
            }
            labels[i] = i % 10;
        }
        return Dataset.ofBytes("synthetic", pixels, labels, 1, 6, 6, 10, Normalization.FASHION_MNIST);
    }

    /** Everything one epoch yields: per batch the indices, labels and pixels. */
    private static List<Object[]> run(DataLoader loader, int e) {
        List<Object[]> out = new ArrayList<>();
        try (DataLoader.Epoch epoch = loader.epoch(e)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    out.add(new Object[] {b.indices(), b.labels().toLongArray(), b.images().toFloatArray()});
                }
            }
        }
        return out;
    }

    private static void assertSameBatches(List<Object[]> a, List<Object[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals((int[]) a.get(i)[0], (int[]) b.get(i)[0]);
            assertArrayEquals((long[]) a.get(i)[1], (long[]) b.get(i)[1]);
            assertArrayEquals((float[]) a.get(i)[2], (float[]) b.get(i)[2]);
        }
    }

    @Test
    void inOrderBatchesAreTheDatasetWithTheLastOnePartial() {
        Dataset d = data(103);
        DataLoader loader = new DataLoader(d, 25);
        List<Object[]> batches = run(loader, 0);
        assertEquals(5, batches.size());
        assertEquals(3, ((int[]) batches.get(4)[0]).length);
        int next = 0;
        for (Object[] b : batches) {
            int[] idx = (int[]) b[0];
            for (int k = 0; k < idx.length; k++) {
                assertEquals(next++, idx[k]);
                assertEquals(idx[k] % 10, ((long[]) b[1])[k]);
            }
            float[] expected = new float[idx.length * 36];
            for (int k = 0; k < idx.length; k++) {
                d.readImage(idx[k], expected, k * 36);
            }
            assertArrayEquals(expected, (float[]) b[2]);
        }
        DataLoader dropping = loader.droppingLast();
        assertEquals(4, dropping.batchesPerEpoch());
        assertEquals(100, dropping.imagesPerEpoch());
        assertEquals(4, run(dropping, 0).size());
    }

    @Test
    void shuffledEpochsVisitEveryImageOnceAndAreFixedBySeedAndEpoch() {
        Dataset d = data(103);
        DataLoader a = new DataLoader(d, 16).shuffled(42).augmented(Augment.standard(6, 6));
        DataLoader b = new DataLoader(d, 16).shuffled(42).augmented(Augment.standard(6, 6));
        List<Object[]> a0 = run(a, 0);
        List<Object[]> a1 = run(a, 1);
        List<Object[]> b1 = run(b, 1); // epoch 1 without epoch 0 first: the same batches
        List<Object[]> b0 = run(b, 0);
        assertSameBatches(a0, b0);
        assertSameBatches(a1, b1);
        boolean[] seen = new boolean[103];
        for (Object[] batch : a0) {
            for (int i : (int[]) batch[0]) {
                assertFalse(seen[i], "index " + i + " twice");
                seen[i] = true;
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
        assertFalse(Arrays.equals((int[]) a0.get(0)[0], (int[]) a1.get(0)[0]), "epochs are shuffled differently");
        List<Object[]> other = run(new DataLoader(d, 16).shuffled(43).augmented(Augment.standard(6, 6)), 0);
        assertFalse(Arrays.equals((int[]) a0.get(0)[0], (int[]) other.get(0)[0]), "seeds differ");
        assertArrayEquals(a.order(1), concat(a1));
    }

    @Test
    void augmentationChangesImagesButNotLabels() {
        Dataset d = data(40);
        List<Object[]> plain = run(new DataLoader(d, 40).shuffled(5), 0);
        List<Object[]> aug = run(new DataLoader(d, 40).shuffled(5).augmented(new Augment(2, true)), 0);
        assertArrayEquals((int[]) plain.get(0)[0], (int[]) aug.get(0)[0], "same order");
        assertArrayEquals((long[]) plain.get(0)[1], (long[]) aug.get(0)[1]);
        assertFalse(Arrays.equals((float[]) plain.get(0)[2], (float[]) aug.get(0)[2]));
    }

    @Test
    void closingEarlyStopsTheThreadAndFreesPreparedBatches() throws InterruptedException {
        Dataset d = data(103);
        long before = HostStorage.liveBytes();
        DataLoader loader = new DataLoader(d, 8).shuffled(1).prefetching(3);
        DataLoader.Epoch epoch = loader.epoch(0);
        try (Batch b = epoch.next()) {
            assertEquals(8, b.size());
        }
        Thread.sleep(50); // let the worker fill its queue
        assertTrue(workerAlive(), "worker running");
        loader.close();
        assertFalse(workerAlive(), "worker stopped");
        assertEquals(before, HostStorage.liveBytes(), "prepared batches were freed");
        assertThrows(NoSuchElementException.class, epoch::next);

        List<Object[]> all = run(loader, 2); // a closed loader still starts new epochs
        assertEquals(13, all.size());
        assertFalse(workerAlive(), "an epoch read to the end stops its worker");
        assertEquals(before, HostStorage.liveBytes());
    }

    @Test
    void loaderKeepsUpWithTraining() {
        // 28×28 8-bit images with crop+flip: the worker must prepare far more images per second
        // than a training step consumes (tens of thousands vs. a few thousand).
        int n = 20000;
        byte[] pixels = new byte[n * 784];
        Arrays.fill(pixels, (byte) 7);
        Dataset d = Dataset.ofBytes("speed", pixels, new int[n], 1, 28, 28, 10, Normalization.FASHION_MNIST);
        DataLoader loader = new DataLoader(d, 128).shuffled(3).augmented(Augment.standard(28, 28));
        drain(loader, 0); // warm-up
        long t0 = System.nanoTime();
        drain(loader, 1);
        double perSecond = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("loader: %.0f images/s (28x28, crop+flip)%n", perSecond);
        assertTrue(perSecond > 20000, "loader speed " + perSecond + " images/s");
    }

    @Test
    void badArguments() {
        Dataset d = data(10);
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(d, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DataLoader(d, 16).droppingLast());
        assertTrue(e.getMessage().contains("10 images make no full batch of 16"), e.getMessage());
    }

    private static void drain(DataLoader loader, int e) {
        try (DataLoader.Epoch epoch = loader.epoch(e)) {
            while (epoch.hasNext()) {
                epoch.next().close();
            }
        }
    }

    private static int[] concat(List<Object[]> batches) {
        return batches.stream().flatMapToInt(b -> Arrays.stream((int[]) b[0])).toArray();
    }

    private static boolean workerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("lethe-data-loader") && t.isAlive());
    }
}
