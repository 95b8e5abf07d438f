package dev.lethe.unlearn.analytic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.BadRequestException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The analytic head of ACU (UNLEARNING.md, acu): over a network's frozen {@link Backbone} φ, a
 * fixed random {@link BufferLayer} X = ReLU(W_buf·φ(x)) of d units and a ridge-regression
 * classifier logits = X·W kept as a {@link RecursiveRidge} (R, W), all float64, plus the set of
 * training indices it has learned. Fitting learns every sample of a data set; unlearning removes
 * learned samples exactly (W and R equal ridge regression retrained on what remains) without
 * reading any other data.
 *
 * <p>Checkpoint layout (tensors under {@link #PREFIX}, next to the network's own):
 * <ul>
 * <li>{@code analytic.buffer.weight} float64 [d, feat], {@code analytic.W} float64 [d, K],
 *     {@code analytic.R} float64 [d, d], {@code analytic.count} int64 0-d (samples learned);</li>
 * <li>{@code analytic.learned} int32 [count]: the learned training indices, strictly ascending
 *     (a head rejects a request for an index it has not learned, so the set must persist);</li>
 * <li>{@code analytic.masked_classes} int32 [m], strictly ascending, only when classes are masked
 *     out of the argmax (see {@link #maskClasses});</li>
 * <li>metadata {@code lethe.analytic} = {@code {"buffer_size": d, "gamma": γ}}.</li>
 * </ul>
 *
 * <p>Memory: the head owns W_buf, W and R (32 MB for R at d = 2048, 512 MB at d = 8192) outside
 * every {@link MemoryScope}; {@link #close()} frees them, and the garbage collector does so for a
 * head that is never closed.
 */
public final class AnalyticHead implements AutoCloseable {
    /** The prefix of the head's tensors in a checkpoint. */
    public static final String PREFIX = "analytic.";
    /** The metadata key of the head's hyper-parameters. */
    public static final String METADATA_KEY = "lethe.analytic";
    /** Default buffer size for the MLP (UNLEARNING.md). */
    public static final int DEFAULT_BUFFER_SIZE_MLP = 2048;
    /** Default buffer size for ResNet-18 and the ViT (UNLEARNING.md). */
    public static final int DEFAULT_BUFFER_SIZE_LARGE = 8192;
    /** Default ridge penalty γ (UNLEARNING.md). */
    public static final double DEFAULT_GAMMA = 0.1;
    /** Images per batch when fitting or unlearning without a batch size given. */
    public static final int DEFAULT_BATCH_SIZE = 512;

    private static final String BUFFER_WEIGHT = PREFIX + "buffer.weight";
    private static final String W = PREFIX + "W";
    private static final String R = PREFIX + "R";
    private static final String COUNT = PREFIX + "count";
    private static final String LEARNED = PREFIX + "learned";
    private static final String MASKED = PREFIX + "masked_classes";
    private static final Set<String> TENSOR_NAMES = Set.of(BUFFER_WEIGHT, W, R, COUNT, LEARNED, MASKED);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferLayer buffer;
    private final RecursiveRidge ridge;
    private final BitSet learned;
    private final TreeSet<Integer> masked;

    private AnalyticHead(BufferLayer buffer, RecursiveRidge ridge, BitSet learned, TreeSet<Integer> masked) {
        this.buffer = buffer;
        this.ridge = ridge;
        this.learned = learned;
        this.masked = masked;
    }

    /** The default buffer size of an architecture: 2048 for the MLP, 8192 for ResNet-18 and the ViT. */
    public static int defaultBufferSize(ModelSpec spec) {
        return spec.arch().equals("mlp") ? DEFAULT_BUFFER_SIZE_MLP : DEFAULT_BUFFER_SIZE_LARGE;
    }

    // ======================================================================================
    // fitting and unlearning
    // ======================================================================================

    /**
     * Fits a head on {@code data} (file order, batches of {@link #DEFAULT_BATCH_SIZE}), W_buf drawn
     * from {@code Philox(seed)}; the learned index set is all of data's indices.
     */
    public static AnalyticHead fit(Module network, ModelSpec spec, Dataset data, int bufferSize, double gamma,
                                   long seed, Progress progress) {
        return fit(network, spec, data, bufferSize, gamma, seed, DEFAULT_BATCH_SIZE, progress);
    }

    /**
     * {@link #fit(Module, ModelSpec, Dataset, int, double, long, Progress)} in batches of
     * {@code batchSize} images (one progress step per batch; there is no loss to report, so it
     * reports 0). R and W are the closed form of the ridge regression over all of
     * {@code data}, which the recursive learning of UNLEARNING.md reaches from R₀ = I/γ, W₀ = 0;
     * they are solved from the accumulated normal equations ({@link NormalEquations}), a quarter
     * of the recursion's cost.
     */
    public static AnalyticHead fit(Module network, ModelSpec spec, Dataset data, int bufferSize, double gamma,
                                   long seed, int batchSize, Progress progress) {
        int classes = spec.numClasses();
        requireLabelsBelow(data, classes);
        requireBatchSize(batchSize);
        int batches = (data.size() + batchSize - 1) / batchSize;
        BufferLayer buffer = null;
        RecursiveRidge ridge = null;
        try (Backbone backbone = Backbone.of(network, spec);
             NormalEquations equations = new NormalEquations(bufferSize, classes, gamma)) {
            buffer = BufferLayer.random(bufferSize, backbone.features(), seed);
            progress.begin("analytic fit (d = " + bufferSize + ")", batches);
            for (int start = 0; start < data.size(); start += batchSize) {
                int[] idx = range(start, Math.min(data.size(), start + batchSize));
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor x = buffer.apply(backbone.features(data.images(idx)));
                    equations.add(x, oneHot(data, idx, classes));
                }
                progress.advance(idx.length, 0);
            }
            ridge = equations.solve();
            progress.end("learned " + data.size() + " samples of " + data.source());
        } catch (RuntimeException | Error e) {
            if (buffer != null) {
                buffer.close();
            }
            throw e;
        }
        BitSet all = new BitSet(data.size());
        all.set(0, data.size());
        return new AnalyticHead(buffer, ridge, all, new TreeSet<>());
    }

    /**
     * Unlearns the samples of {@code data} at {@code indices} in batches of
     * {@link #DEFAULT_BATCH_SIZE}; see {@link #unlearn(Module, ModelSpec, Dataset, int[], int, Progress)}.
     */
    public void unlearn(Module network, ModelSpec spec, Dataset data, int[] indices, Progress progress) {
        unlearn(network, spec, data, indices, DEFAULT_BATCH_SIZE, progress);
    }

    /**
     * Unlearns the samples of {@code data} at {@code indices} (taken in increasing order, in
     * batches of {@code batchSize}) by the recursive unlearning update: afterwards W and R are
     * those of ridge regression on the learned samples that remain. Every index must be in range,
     * appear once and be currently learned; otherwise a {@link BadRequestException} names one
     * offending index and nothing changes. {@code network} must be the one the head was fitted
     * over (its backbone gives the features); it is not modified.
     *
     * <p>Progress reports, per batch, the mean squared error ‖Y − XW‖²/b of the head on the
     * batch just before it is forgotten.
     */
    public void unlearn(Module network, ModelSpec spec, Dataset data, int[] indices, int batchSize, Progress progress) {
        requireBatchSize(batchSize);
        int[] sorted = checkedRequest(data, indices);
        requireLabelsBelow(data, ridge.classes());
        int batches = (sorted.length + batchSize - 1) / batchSize;
        try (Backbone backbone = Backbone.of(network, spec)) {
            requireWidth(backbone);
            progress.begin("analytic unlearn", batches);
            for (int start = 0; start < sorted.length; start += batchSize) {
                int[] idx = Arrays.copyOfRange(sorted, start, Math.min(sorted.length, start + batchSize));
                double error;
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor x = buffer.apply(backbone.features(data.images(idx)));
                    Tensor y = oneHot(data, idx, ridge.classes());
                    error = y.sub(x.matmul(ridge.W())).square().sum().item() / idx.length;
                    ridge.unlearn(x, y);
                }
                // Cleared batch by batch, so the set always names exactly what (R, W) hold.
                for (int i : idx) {
                    learned.clear(i);
                }
                progress.advance(idx.length, error);
            }
            progress.end("forgot " + sorted.length + " samples; " + count() + " remain learned");
        }
    }

    /**
     * Checks that {@code indices} could be unlearned from this head with {@code data}: each in
     * range, appearing once and currently learned; a {@link BadRequestException} naming the first
     * offending index otherwise. {@link #unlearn} checks the same before changing anything.
     */
    public void requireLearned(Dataset data, int[] indices) {
        checkedRequest(data, indices);
    }

    /** The request's indices, sorted, after checking each is in range, unique and learned. */
    private int[] checkedRequest(Dataset data, int[] indices) {
        int highest = learned.length() - 1;
        if (highest >= data.size()) {
            throw new BadRequestException("the analytic head has learned index " + highest + " but " + data.source()
                    + " has only " + data.size() + " samples; is it the data the head was fitted on?");
        }
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            int i = sorted[k];
            if (i < 0 || i >= data.size()) {
                throw new BadRequestException("index " + i + " is out of range: " + data.source() + " has "
                        + data.size() + " samples (indices 0.." + (data.size() - 1) + ")");
            }
            if (k > 0 && i == sorted[k - 1]) {
                throw new BadRequestException("index " + i + " appears more than once in the request");
            }
            if (!learned.get(i)) {
                throw new BadRequestException("index " + i + " is not learned by the analytic head (already unlearned, "
                        + "or never learned); it holds " + count() + " samples");
            }
        }
        return sorted;
    }

    private void requireWidth(Backbone backbone) {
        if (backbone.features() != buffer.features()) {
            throw new IllegalArgumentException("the analytic head's buffer layer takes " + buffer.features()
                    + " features, but the network's backbone gives " + backbone.features());
        }
    }

    private static void requireBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    private static void requireLabelsBelow(Dataset data, int classes) {
        if (data.numClasses() > classes) {
            throw new IllegalArgumentException(data.source() + " has " + data.numClasses()
                    + " classes, the model predicts " + classes);
        }
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        Arrays.setAll(out, i -> from + i);
        return out;
    }

    /** One-hot float64 targets [b, K] for the labels of {@code data} at {@code idx}. */
    static Tensor oneHot(Dataset data, int[] idx, int classes) {
        double[] v = new double[idx.length * classes];
        for (int k = 0; k < idx.length; k++) {
            v[k * classes + data.label(idx[k])] = 1;
        }
        return Tensor.of(v, idx.length, classes);
    }

    // ======================================================================================
    // classifying
    // ======================================================================================

    /**
     * Masks {@code classes} out of the argmax: their logits become −∞ in {@link #classifier}'s
     * output (so their softmax probability is 0). Masks accumulate; at least one class must stay
     * unmasked.
     */
    public void maskClasses(int... classes) {
        TreeSet<Integer> next = new TreeSet<>(masked);
        for (int c : classes) {
            if (c < 0 || c >= ridge.classes()) {
                throw new BadRequestException("class " + c + " does not exist; the head has classes 0.."
                        + (ridge.classes() - 1));
            }
            next.add(c);
        }
        if (next.size() == ridge.classes()) {
            throw new BadRequestException("masking classes " + next + " would leave no class to predict");
        }
        masked.addAll(next);
    }

    /** The classes masked out of the argmax, ascending. */
    public int[] maskedClasses() {
        return masked.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Float32 logits X·W [n, K] for float64 backbone features φ [n, feat], masked classes at −∞, in the current scope. */
    public Tensor logits(Tensor features) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor logits = buffer.apply(features).matmul(ridge.W()).to(DType.FLOAT32);
            for (int c : masked) {
                logits.narrow(1, c, 1).fill_(Double.NEGATIVE_INFINITY);
            }
            return scope.keep(logits);
        }
    }

    /**
     * The classifier: this head over {@code network}'s frozen backbone, a Module whose forward
     * gives float32 logits X·W (always in evaluation mode, never recording gradients), with
     * masked classes at −∞. It reads this head's current W (a later unlearning shows in it) and a
     * snapshot of the network's backbone weights.
     */
    public Module classifier(Module network, ModelSpec spec) {
        Backbone backbone = Backbone.of(network, spec);
        requireWidth(backbone);
        return new AnalyticClassifier(backbone, this);
    }

    // ======================================================================================
    // state
    // ======================================================================================

    /** d, the buffer size. */
    public int bufferSize() {
        return buffer.bufferSize();
    }

    /** The ridge penalty γ. */
    public double gamma() {
        return ridge.gamma();
    }

    /** K, the number of classes. */
    public int classes() {
        return ridge.classes();
    }

    /** The number of samples currently learned. */
    public long count() {
        return learned.cardinality();
    }

    /** Whether training sample {@code index} is currently learned. */
    public boolean isLearned(int index) {
        return index >= 0 && learned.get(index);
    }

    /** The learned training indices, ascending. */
    public int[] learnedIndices() {
        return learned.stream().toArray();
    }

    /** The buffer layer (live: read it, do not close it). */
    public BufferLayer buffer() {
        return buffer;
    }

    /** The ridge state (R, W) (live: read it, do not update or close it). */
    public RecursiveRidge ridge() {
        return ridge;
    }

    /**
     * The tensors written into a checkpoint, by name (see the class comment): the head's own W_buf,
     * W and R (live, not copies) and new count, learned (and masked) tensors in the current scope.
     */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(BUFFER_WEIGHT, buffer.weight());
        out.put(W, ridge.W());
        out.put(R, ridge.R());
        out.put(COUNT, Tensor.scalar(count(), DType.INT64));
        int[] idx = learnedIndices();
        out.put(LEARNED, Tensor.of(idx, idx.length));
        if (!masked.isEmpty()) {
            int[] m = maskedClasses();
            out.put(MASKED, Tensor.of(m, m.length));
        }
        return out;
    }

    /** The metadata written into a checkpoint: {@code lethe.analytic} = {@code {"buffer_size": d, "gamma": γ}}. */
    public Map<String, String> metadata() {
        ObjectNode node = JSON.createObjectNode();
        node.put("buffer_size", bufferSize());
        node.put("gamma", gamma());
        return Map.of(METADATA_KEY, node.toString());
    }

    /** A deep copy: its own W_buf, W, R, learned set and masks. */
    public AnalyticHead copy() {
        return new AnalyticHead(buffer.copy(), ridge.copy(), (BitSet) learned.clone(), new TreeSet<>(masked));
    }

    /** Frees W_buf, W and R now; the head cannot be used afterwards (closing twice is harmless). */
    @Override
    public void close() {
        buffer.close();
        ridge.close();
    }

    // ======================================================================================
    // reading a checkpoint
    // ======================================================================================

    /**
     * The head a checkpoint carries, or null when it carries none (no {@code analytic.} tensor and
     * no {@code lethe.analytic} metadata). Every tensor and value is checked (names, dtypes,
     * shapes, the learned indices against the count), and an IllegalArgumentException naming
     * {@code file} and the fault is thrown for an incomplete or inconsistent head. The tensors the
     * head keeps (W_buf, W, R) are taken out of the caller's memory scope: the head owns them.
     */
    public static AnalyticHead fromCheckpoint(Path file, Map<String, Tensor> extras, Map<String, String> metadata) {
        Map<String, Tensor> own = new LinkedHashMap<>();
        extras.forEach((name, t) -> {
            if (name.startsWith(PREFIX)) {
                own.put(name, t);
            }
        });
        String json = metadata.get(METADATA_KEY);
        if (own.isEmpty() && json == null) {
            return null;
        }
        String where = file + ": the analytic head ";
        if (json == null) {
            throw new IllegalArgumentException(where + "has tensors " + own.keySet() + " but no " + METADATA_KEY
                    + " metadata");
        }
        for (String name : own.keySet()) {
            if (!TENSOR_NAMES.contains(name)) {
                throw new IllegalArgumentException(where + "has an unexpected tensor " + name + "; it holds "
                        + new TreeSet<>(TENSOR_NAMES));
            }
        }
        HeadMetadata meta = HeadMetadata.parse(json, where);
        Tensor weight = require(own, BUFFER_WEIGHT, DType.FLOAT64, 2, where);
        Tensor w = require(own, W, DType.FLOAT64, 2, where);
        Tensor r = require(own, R, DType.FLOAT64, 2, where);
        Tensor count = require(own, COUNT, DType.INT64, 0, where);
        Tensor learnedTensor = require(own, LEARNED, DType.INT32, 1, where);
        int d = meta.bufferSize();
        requireShape(weight, new int[] {d, weight.size(1)}, where);
        requireShape(w, new int[] {d, w.size(1)}, where);
        requireShape(r, new int[] {d, d}, where);
        long n = (long) count.item();
        int[] indices = learnedTensor.toIntArray();
        if (n != indices.length) {
            throw new IllegalArgumentException(where + "counts " + n + " learned samples but " + LEARNED + " lists "
                    + indices.length);
        }
        BitSet learned = new BitSet();
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || (k > 0 && indices[k] <= indices[k - 1])) {
                throw new IllegalArgumentException(where + "lists learned index " + indices[k] + " at position " + k
                        + "; " + LEARNED + " must hold distinct indices >= 0 in increasing order");
            }
            learned.set(indices[k]);
        }
        TreeSet<Integer> masked = new TreeSet<>();
        if (own.containsKey(MASKED)) {
            int[] m = require(own, MASKED, DType.INT32, 1, where).toIntArray();
            for (int k = 0; k < m.length; k++) {
                if (m[k] < 0 || m[k] >= w.size(1) || (k > 0 && m[k] <= m[k - 1])) {
                    throw new IllegalArgumentException(where + "masks class " + m[k] + "; " + MASKED
                            + " must hold distinct classes in 0.." + (w.size(1) - 1) + " in increasing order");
                }
                masked.add(m[k]);
            }
        }
        BufferLayer buffer = BufferLayer.of(owned(weight));
        RecursiveRidge ridge = RecursiveRidge.restore(owned(r), owned(w), meta.gamma());
        return new AnalyticHead(buffer, ridge, learned, masked);
    }

    /** A contiguous tensor the head can own: the tensor itself, or a contiguous copy of a strided one. */
    private static Tensor owned(Tensor t) {
        return MemoryScope.detach(t.contiguous());
    }

    private static Tensor require(Map<String, Tensor> own, String name, DType dtype, int rank, String where) {
        Tensor t = own.get(name);
        if (t == null) {
            throw new IllegalArgumentException(where + "is incomplete: " + name + " is missing");
        }
        if (t.dtype() != dtype || t.rank() != rank) {
            throw new IllegalArgumentException(where + "has " + name + " of " + t.dtype() + " " + Shape.str(t.shape())
                    + ", expected " + dtype + " of rank " + rank);
        }
        return t;
    }

    private static void requireShape(Tensor t, int[] shape, String where) {
        if (!Arrays.equals(t.shape(), shape) || t.numel() == 0) {
            throw new IllegalArgumentException(where + "has a tensor of shape " + Shape.str(t.shape()) + " where "
                    + Shape.str(shape) + " (non-empty) fits its buffer_size");
        }
    }

    /** The {@code lethe.analytic} metadata: d and γ. */
    private record HeadMetadata(int bufferSize, double gamma) {
        static HeadMetadata parse(String json, String where) {
            JsonNode node;
            try {
                node = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + "metadata " + METADATA_KEY + " is not valid JSON: " + json);
            }
            if (node == null || !node.isObject() || !node.path("buffer_size").canConvertToInt()
                    || !node.path("buffer_size").isIntegralNumber() || !node.path("gamma").isNumber()) {
                throw new IllegalArgumentException(where + "metadata " + METADATA_KEY
                        + " must be {\"buffer_size\": <int>, \"gamma\": <number>}, got " + json);
            }
            int d = node.get("buffer_size").intValue();
            double gamma = node.get("gamma").doubleValue();
            if (d < 1 || !(gamma > 0) || !Double.isFinite(gamma)) {
                throw new IllegalArgumentException(where + "metadata " + METADATA_KEY
                        + " needs buffer_size >= 1 and gamma > 0, got " + json);
            }
            return new HeadMetadata(d, gamma);
        }
    }
}
