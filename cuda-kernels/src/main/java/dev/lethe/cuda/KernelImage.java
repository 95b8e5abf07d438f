package dev.lethe.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The fatbin nvcc built from {@code src/main/cuda/*.cu} (SASS for sm_80 and sm_90 plus
 * compute_90 PTX), packed as a class-path resource. It is absent when the build had no nvcc.
 */
final class KernelImage {
    /** The resource path, next to this class. */
    static final String RESOURCE = "lethe_kernels.fatbin";

    private KernelImage() {
    }

    /** True when the build packed the fatbin. */
    static boolean isPresent() {
        return KernelImage.class.getResource(RESOURCE) != null;
    }

    /** The fatbin's bytes. */
    static byte[] read() {
        try (InputStream in = KernelImage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource dev/lethe/cuda/" + RESOURCE + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read dev/lethe/cuda/" + RESOURCE, e);
        }
    }
}
