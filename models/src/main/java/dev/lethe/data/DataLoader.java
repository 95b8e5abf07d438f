package dev.lethe.data;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Cuts a dataset into batches, optionally shuffled and augmented, and prepares them on a
 * background thread while the caller computes on the previous one.
 *
 * <pre>{@code
 * DataLoader loader = new DataLoader(train, 128).shuffled(seed).augmented(Augment.standard(28, 28));
 * for (int e = 0; e < epochs; e++) {
 *     try (DataLoader.Epoch epoch = loader.epoch(e)) {
 *         while (epoch.hasNext()) {
 *             try (Batch b = epoch.next()) { ... }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Randomness: epoch {@code e} draws from a {@link Philox} keyed by the seed, starting at block
 * {@code e · 2^40}: first the permutation ({@link Philox#permutation}), then each batch's
 * augmentation in batch order. An epoch's batches are therefore a pure function of (seed, e),
 * whatever thread timing or earlier epochs did, which is what lets training resume exactly.
 *
 * <p>The last batch may be smaller unless {@link #droppingLast()} is set. A loader's settings are
 * immutable (the {@code with} methods return new loaders); {@link #close()} stops every epoch it
 * started that is still open.
 */
public final class DataLoader implements AutoCloseable {
    /** Counter blocks reserved per epoch: far more than any permutation and augmentation need. */
    static final long EPOCH_BLOCKS = 1L << 40;

    private static final int DEFAULT_PREFETCH = 2;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Augment augment;
    private final boolean dropLast;
    private final int prefetch;
    private final Set<Epoch> open = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    /** Batches of {@code batchSize} in dataset order, no augmentation, last partial batch kept. */
    public DataLoader(Dataset dataset, int batchSize) {
        this(dataset, batchSize, false, 0, Augment.NONE, false, DEFAULT_PREFETCH);
    }

    private DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, Augment augment, boolean dropLast,
                       int prefetch) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        if (prefetch <= 0) {
            throw new IllegalArgumentException("prefetch must be > 0 batches, got " + prefetch);
        }
        if (dropLast && dataset.size() < batchSize) {
            throw new IllegalArgumentException(dataset.source() + ": " + dataset.size()
                    + " images make no full batch of " + batchSize + " when the last partial batch is dropped");
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.augment = augment;
        this.dropLast = dropLast;
        this.prefetch = prefetch;
    }

    /** The same loader, shuffling every epoch with a generator keyed by {@code seed}. */
    public DataLoader shuffled(long seed) {
        return new DataLoader(dataset, batchSize, true, seed, augment, dropLast, prefetch);
    }

    /**
     * The same loader with augmentation; its draws come from the seed of {@link #shuffled}
     * (0 when not shuffled).
     */
    public DataLoader augmented(Augment augment) {
        return new DataLoader(dataset, batchSize, shuffle, seed, augment, dropLast, prefetch);
    }

    /** The same loader without the last partial batch. */
    public DataLoader droppingLast() {
        return new DataLoader(dataset, batchSize, shuffle, seed, augment, true, prefetch);
    }

    /** The same loader preparing up to {@code batches} batches ahead (default 2). */
    public DataLoader prefetching(int batches) {
        return new DataLoader(dataset, batchSize, shuffle, seed, augment, dropLast, batches);
    }

    /** The dataset. */
    public Dataset dataset() {
        return dataset;
    }

    /** The batch size. */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return dropLast ? dataset.size() / batchSize : (dataset.size() + batchSize - 1) / batchSize;
    }

    /** Images per epoch (fewer than the dataset's when the last batch is dropped). */
    public int imagesPerEpoch() {
        return dropLast ? batchesPerEpoch() * batchSize : dataset.size();
    }

    /** The order epoch {@code e} visits the dataset in (before batching). */
    public int[] order(int e) {
        return shuffle ? generator(e).permutation(dataset.size()) : dataset.allIndices();
    }

    private Philox generator(int e) {
        if (e < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + e);
        }
        Philox rng = new Philox(seed);
        rng.advance(e * EPOCH_BLOCKS);
        return rng;
    }

    /** Starts epoch {@code e}: its background thread begins preparing batches at once. */
    public Epoch epoch(int e) {
        Philox rng = generator(e);
        int[] order = shuffle ? rng.permutation(dataset.size()) : dataset.allIndices();
        Epoch epoch = new Epoch(e, order, rng);
        open.add(epoch);
        epoch.start();
        return epoch;
    }

    /** Stops every epoch of this loader that is still running and frees its prepared batches. */
    @Override
    public void close() {
        Epoch[] running;
        synchronized (open) {
            running = open.toArray(new Epoch[0]);
        }
        for (Epoch e : running) {
            e.close();
        }
    }

    /** Builds batch {@code number} from {@code indices}; runs on the loader thread, so no scope owns the tensors. */
    private Batch assemble(int number, int[] indices, Philox rng) {
        int n = dataset.imageSize();
        float[] pixels = new float[indices.length * n];
        Augment.Draws draws = augment.isNone() ? null : augment.draw(rng, indices.length);
        long[] labels = new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            augment.apply(dataset, indices[k], draws, k, pixels, k * n);
            labels[k] = dataset.label(indices[k]);
        }
        Tensor x = Tensor.empty(DType.FLOAT32, indices.length, dataset.channels(), dataset.height(), dataset.width());
        Tensor y;
        try {
            y = Tensor.empty(DType.INT64, indices.length);
        } catch (RuntimeException | Error e) {
            x.close();
            throw e;
        }
        ((HostStorage) x.storage()).floats().put(0, pixels);
        ((HostStorage) y.storage()).longs().put(0, labels);
        return new Batch(x, y, indices, number);
    }

    /**
     * One pass over the data: an iterator of batches fed by a background thread. Close it (or
     * read it to the end) to stop the thread; batches already taken stay the caller's.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int index;
        private final int[] order;
        private final Philox rng;
        private final int batches;
        private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(prefetch);
        private final Thread worker;
        private volatile boolean stopped;
        private int taken;

        private Epoch(int index, int[] order, Philox rng) {
            this.index = index;
            this.order = order;
            this.rng = rng;
            this.batches = batchesPerEpoch();
            this.worker = new Thread(this::produce, "lethe-data-loader-epoch-" + index);
            worker.setDaemon(true);
        }

        private void start() {
            worker.start();
        }

        /** The epoch number. */
        public int index() {
            return index;
        }

        /** Number of batches in this epoch. */
        public int batches() {
            return batches;
        }

        /** Runs on the worker: assembles the batches in order and hands them over. */
        private void produce() {
            for (int b = 0; b < batches && !stopped; b++) {
                Object item;
                try {
                    int from = b * batchSize;
                    item = assemble(b, Arrays.copyOfRange(order, from, Math.min(from + batchSize, order.length)), rng);
                } catch (RuntimeException | Error e) {
                    item = new Failure(e);
                }
                try {
                    ready.put(item);
                } catch (InterruptedException e) {
                    if (item instanceof Batch batch) {
                        batch.close();
                    }
                    return;
                }
                if (item instanceof Failure) {
                    return;
                }
            }
        }

        @Override
        public boolean hasNext() {
            boolean more = taken < batches && !stopped;
            if (!more) {
                close();
            }
            return more;
        }

        /** The next batch, waiting for the background thread if it is not ready yet. */
        @Override
        public Batch next() {
            if (stopped || taken >= batches) {
                throw new NoSuchElementException("epoch " + index + " has no more batches (" + batches + " in all)");
            }
            Object item;
            try {
                item = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for batch " + taken + " of epoch " + index,
                        e);
            }
            if (item instanceof Failure f) {
                close();
                throw new IllegalStateException("preparing batch " + taken + " of epoch " + index + " of "
                        + dataset.source() + " failed: " + f.cause().getMessage(), f.cause());
            }
            taken++;
            return (Batch) item;
        }

        /** Stops the background thread and frees the batches it prepared that were not taken. */
        @Override
        public void close() {
            if (!stopped) {
                stopped = true;
                worker.interrupt();
                boolean interrupted = false;
                while (true) {
                    try {
                        worker.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // the worker must end before its batches can be freed
                    }
                }
                for (Object item; (item = ready.poll()) != null; ) {
                    if (item instanceof Batch batch) {
                        batch.close();
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            open.remove(this);
        }
    }

    /** An exception from the worker, delivered in place of the batch it was making. */
    private record Failure(Throwable cause) {
    }
}
