/**
 * Datasets and loading: {@link dev.lethe.data.Dataset} (labelled images on the heap, 8-bit or
 * float32), {@link dev.lethe.data.DatasetFiles} (IDX pairs and safetensors files),
 * {@link dev.lethe.data.FashionMnist} (finding and splitting Fashion-MNIST),
 * {@link dev.lethe.data.Normalization}, {@link dev.lethe.data.Augment} (random crop and flip) and
 * {@link dev.lethe.data.DataLoader} (seeded shuffling, batching, background prefetch).
 */
package dev.lethe.data;
