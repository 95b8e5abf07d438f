package dev.lethe.tensor.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tensors and string metadata as a safetensors file.
 *
 * <pre>{@code
 * new SafeTensorsWriter()
 *         .metadata("lethe.format", "1")
 *         .add("fc.weight", weight)
 *         .add("images", images, SafeTensorsDType.U8)   // an INT32 tensor of values 0..255
 *         .write(path);
 * }</pre>
 *
 * Tensors are stored contiguously in the order they were added, each in its own dtype unless
 * another is named ({@link SafeTensorsDType#canWrite}); the JSON header is padded with spaces to
 * a multiple of 8 bytes, as the reference implementation does, and lists {@code __metadata__}
 * first. The file is replaced atomically ({@link AtomicFile}): a failed write leaves the previous
 * file as it was. Tensors may live on any device and have any layout; they are read, not kept.
 */
public final class SafeTensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 16;
    private static final boolean LITTLE_ENDIAN_HOST = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private record Item(String name, Tensor tensor, SafeTensorsDType storedAs) {
    }

    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An empty file: no tensors, no metadata. */
    public SafeTensorsWriter() {
    }

    /** Adds a tensor, stored in its own dtype. */
    public SafeTensorsWriter add(String name, Tensor tensor) {
        return add(name, tensor, SafeTensorsDType.of(tensor.dtype()));
    }

    /**
     * Adds a tensor stored as {@code storedAs}: its own dtype's type, or U8 for an INT32 tensor
     * (every value must lie in [0, 255], checked while writing).
     */
    public SafeTensorsWriter add(String name, Tensor tensor, SafeTensorsDType storedAs) {
        if (name == null || name.equals("__metadata__")) {
            throw new IllegalArgumentException("\"" + name + "\" cannot name a tensor in a safetensors file");
        }
        if (items.containsKey(name)) {
            throw new IllegalArgumentException("tensor \"" + name + "\" was already added");
        }
        if (!storedAs.canWrite(tensor.dtype())) {
            throw new IllegalArgumentException("tensor \"" + name + "\" of dtype " + tensor.dtype()
                    + " cannot be stored as " + storedAs);
        }
        items.put(name, new Item(name, tensor, storedAs));
        return this;
    }

    /** Adds every tensor of the map, in its iteration order, each in its own dtype. */
    public SafeTensorsWriter addAll(Map<String, Tensor> tensors) {
        tensors.forEach(this::add);
        return this;
    }

    /** Sets one {@code __metadata__} pair. */
    public SafeTensorsWriter metadata(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("metadata keys and values must not be null (" + key + " = "
                    + value + ")");
        }
        metadata.put(key, value);
        return this;
    }

    /** Sets every pair of the map. */
    public SafeTensorsWriter metadata(Map<String, String> pairs) {
        pairs.forEach(this::metadata);
        return this;
    }

    /** Writes the file, replacing {@code target} atomically. */
    public void write(Path target) throws IOException {
        byte[] header = header();
        AtomicFile.write(target, channel -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            ChannelIO.writeFully(channel, length);
            ChannelIO.writeFully(channel, ByteBuffer.wrap(header));
            for (Item item : items.values()) {
                writeData(channel, item);
            }
        });
    }

    /** Writes {@code tensors} and {@code metadata} to {@code target}; see {@link #write(Path)}. */
    public static void write(Path target, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        new SafeTensorsWriter().addAll(tensors).metadata(metadata).write(target);
    }

    /** The JSON header, space-padded to a multiple of 8 bytes so the data section starts aligned. */
    private byte[] header() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Item item : items.values()) {
            long bytes = (long) item.tensor.numel() * item.storedAs.itemSize();
            ObjectNode entry = root.putObject(item.name);
            entry.put("dtype", item.storedAs.name());
            Arrays.stream(item.tensor.shape()).forEach(entry.putArray("shape")::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    @SuppressWarnings("try") // the scope is used only for freeing what the block allocates
    private static void writeData(FileChannel channel, Item item) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            // A host copy only when the tensor is on a device or strided; freed by the scope.
            Tensor host = item.tensor.to(Device.CPU).contiguous();
            int itemBytes = host.dtype().byteSize();
            ByteBuffer src = ((HostStorage) host.storage()).bytes().duplicate().order(ByteOrder.nativeOrder());
            src.clear().position(host.offset() * itemBytes).limit((host.offset() + host.numel()) * itemBytes);
            if (item.storedAs.isVerbatim() && LITTLE_ENDIAN_HOST) {
                ChannelIO.writeFully(channel, src);
                return;
            }
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            int perChunk = CHUNK_BYTES / Math.max(itemBytes, item.storedAs.itemSize());
            for (int done = 0; done < host.numel(); done += perChunk) {
                int count = Math.min(perChunk, host.numel() - done);
                chunk.clear();
                try {
                    item.storedAs.encode(src, chunk, count);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("tensor \"" + item.name + "\" " + Shape.str(host.shape())
                            + ": " + e.getMessage(), e);
                }
                ChannelIO.writeFully(channel, chunk.flip());
            }
        }
    }
}
