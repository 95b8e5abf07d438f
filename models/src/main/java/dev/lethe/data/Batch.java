package dev.lethe.data;

import dev.lethe.tensor.Tensor;

/**
 * One batch from a {@link DataLoader}: normalised (and possibly augmented) images, their labels
 * and where they came from. The tensors belong to no {@link dev.lethe.tensor.MemoryScope} (they
 * were made on the loader's thread); {@link #close()} frees them, so use try-with-resources.
 *
 * @param images  float32 [B, C, H, W]
 * @param labels  int64 [B]
 * @param indices the dataset index of each image
 * @param number  the batch's position in its epoch, from 0
 */
public record Batch(Tensor images, Tensor labels, int[] indices, int number) implements AutoCloseable {

    /** Number of images B. */
    public int size() {
        return indices.length;
    }

    /** Frees both tensors. */
    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
