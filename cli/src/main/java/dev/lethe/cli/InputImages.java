package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.data.Normalization;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.MalformedFileException;
import dev.lethe.tensor.io.SafeTensorsDType;
import dev.lethe.tensor.io.SafeTensorsHeader;
import dev.lethe.tensor.io.SafeTensorsReader;
import java.io.IOException;
import java.nio.IntBuffer;
import java.nio.file.Path;

/**
 * The {@code images} tensor of a safetensors file, as {@code predict} reads it (CLI.md):
 * [N,C,H,W] (or [N,H,W], one channel), float32 used as it is, uint8 divided by 255 and
 * normalised; every other tensor in the file (e.g. {@code labels}) is ignored. The images come
 * back as a {@link Dataset} whose labels are all 0, so the loaders and checks of datasets apply.
 */
final class InputImages {
    private static final String NAME = "images";

    private InputImages() {
    }

    /** Reads {@code file}'s images, normalising 8-bit ones with {@code eightBit}. */
    static Dataset read(Path file, Normalization eightBit) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file); MemoryScope scope = MemoryScope.open()) {
            SafeTensorsHeader.Entry e = reader.header().entries().get(NAME);
            if (e == null) {
                throw new MalformedFileException(file, "has no tensor \"" + NAME + "\" (it holds " + reader.names()
                        + ")");
            }
            if (e.dtype() != SafeTensorsDType.U8 && e.dtype() != SafeTensorsDType.F32) {
                throw new MalformedFileException(file, "tensor \"" + NAME + "\" is " + e.describe()
                        + "; images must be U8 (divided by 255, then normalised) or F32 (used as they are)");
            }
            int[] s = e.shape();
            if (s.length != 3 && s.length != 4) {
                throw new MalformedFileException(file, "tensor \"" + NAME + "\" has shape " + Shape.str(s)
                        + "; images must be [N, C, H, W] or [N, H, W]");
            }
            int n = s[0];
            int c = s.length == 4 ? s[1] : 1;
            int h = s[s.length - 2];
            int w = s[s.length - 1];
            if (n == 0 || c == 0 || h == 0 || w == 0) {
                throw new MalformedFileException(file, "tensor \"" + NAME + "\" of shape " + Shape.str(s)
                        + " holds no images");
            }
            Tensor x = reader.read(NAME);
            int[] labels = new int[n];
            if (e.dtype() == SafeTensorsDType.F32) {
                return Dataset.ofFloats(file.toString(), x.toFloatArray(), labels, c, h, w, 1);
            }
            IntBuffer src = ((HostStorage) x.storage()).ints();
            byte[] pixels = new byte[x.numel()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) src.get(x.offset() + i); // U8 loads as INT32 in 0..255
            }
            return Dataset.ofBytes(file.toString(), pixels, labels, c, h, w, 1, eightBit);
        }
    }
}
