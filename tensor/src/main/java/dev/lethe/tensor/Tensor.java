package dev.lethe.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: a dtype, a shape, element strides and an offset into a
 * {@link Storage}. Views ({@link #view}, {@link #transpose}, {@link #permute}, {@link #narrow},
 * {@link #select}, {@link #expand}, ...) share storage; every other operation returns a new
 * tensor allocated in the current {@link MemoryScope}. Methods ending in {@code _} write in place.
 *
 * <p>Each operation checks its arguments (shapes, dtypes, axes) here, before any backend or
 * native code sees them, and names the problem in its exception.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final Backend backend;
    private final DType dtype;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final int numel;

    private Tensor(Storage storage, Backend backend, DType dtype, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.numel = Shape.numel(shape);
    }

    /**
     * A tensor over existing storage, for backends and I/O. The view must lie inside the
     * storage; that is checked here.
     */
    public static Tensor wrap(Storage storage, Backend backend, DType dtype, int[] shape, int[] strides, int offset) {
        int[] sh = Shape.copy(shape);
        int[] st = strides.clone();
        if (st.length != sh.length) {
            throw new IllegalArgumentException("strides " + Arrays.toString(st) + " do not match shape " + Shape.str(sh));
        }
        long lo = offset;
        long hi = offset;
        if (Shape.numel(sh) > 0) {
            for (int i = 0; i < sh.length; i++) {
                long span = (long) (sh[i] - 1) * st[i];
                if (span < 0) {
                    lo += span;
                } else {
                    hi += span;
                }
            }
            if (lo < 0 || (hi + 1) * dtype.byteSize() > storage.byteSize()) {
                throw new IllegalArgumentException("view " + Shape.str(sh) + " strides " + Arrays.toString(st)
                        + " offset " + offset + " lies outside its storage of " + storage.byteSize() + " bytes");
            }
        }
        return new Tensor(storage, backend, dtype, sh, st, offset);
    }

    // ======================================================================================
    // factories
    // ======================================================================================

    /** Uninitialised contiguous tensor on {@code backend}. */
    public static Tensor empty(Backend backend, DType dtype, int... shape) {
        int[] sh = Shape.copy(shape);
        int n = Shape.numel(sh);
        Storage s = backend.allocate((long) n * dtype.byteSize());
        return new Tensor(s, backend, dtype, sh, Shape.contiguousStrides(sh), 0);
    }

    /** Uninitialised contiguous CPU tensor. */
    public static Tensor empty(DType dtype, int... shape) {
        return empty(Backends.cpu(), dtype, shape);
    }

    /** A tensor of {@code value} everywhere. */
    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = empty(dtype, shape);
        t.backend.fill(t, value);
        return t;
    }

    /** Zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        return full(0.0, dtype, shape);
    }

    /** Ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(1.0, dtype, shape);
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    /** A tensor of this one's dtype and device filled with {@code value} (shape given). */
    public Tensor fullLike(double value, int... shape) {
        Tensor t = empty(backend, dtype, shape);
        backend.fill(t, value);
        return t;
    }

    /** {@code start, start+step, ...} below {@code end} (above, for negative steps). */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(start) || Double.isNaN(end) || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange needs a non-zero step and finite bounds");
        }
        long n = (long) Math.ceil((end - start) / step);
        if (n < 0) {
            n = 0;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange of " + n + " elements is too large");
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return fromDoubles(v, dtype, (int) n);
    }

    /** {@code 0, 1, ..., n-1} as int64. */
    public static Tensor arange(int n) {
        return arange(0, n, 1, DType.INT64);
    }

    /** The n×n identity. */
    public static Tensor eye(int n, DType dtype) {
        double[] v = new double[Shape.numel(new int[] {n, n})];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        return fromDoubles(v, dtype, n, n);
    }

    /** A float32 tensor holding {@code data} in row-major order. */
    public static Tensor of(float[] data, int... shape) {
        Tensor t = empty(DType.FLOAT32, checkLength(data.length, shape));
        ((HostStorage) t.storage).floats().put(0, data);
        return t;
    }

    /** A float64 tensor holding {@code data}. */
    public static Tensor of(double[] data, int... shape) {
        Tensor t = empty(DType.FLOAT64, checkLength(data.length, shape));
        ((HostStorage) t.storage).doubles().put(0, data);
        return t;
    }

    /** An int32 tensor holding {@code data}. */
    public static Tensor of(int[] data, int... shape) {
        Tensor t = empty(DType.INT32, checkLength(data.length, shape));
        ((HostStorage) t.storage).ints().put(0, data);
        return t;
    }

    /** An int64 tensor holding {@code data}. */
    public static Tensor of(long[] data, int... shape) {
        Tensor t = empty(DType.INT64, checkLength(data.length, shape));
        ((HostStorage) t.storage).longs().put(0, data);
        return t;
    }

    /** A tensor of any dtype from doubles (rounded to the dtype). */
    public static Tensor fromDoubles(double[] data, DType dtype, int... shape) {
        Tensor src = of(data, shape);
        if (dtype == DType.FLOAT64) {
            return src;
        }
        try (Tensor s = src) {
            return s.to(dtype);
        }
    }

    /** Uniform in [0, 1) from {@code rng}. */
    public static Tensor rand(Philox rng, DType dtype, int... shape) {
        requireFloating(dtype, "rand");
        double[] v = new double[Shape.numel(shape)];
        if (dtype == DType.FLOAT64) {
            rng.uniformDoubles(v);
        } else {
            rng.uniformFloats(v);
        }
        return fromDoubles(v, dtype, shape);
    }

    /** Standard normal from {@code rng}. */
    public static Tensor randn(Philox rng, DType dtype, int... shape) {
        requireFloating(dtype, "randn");
        double[] v = new double[Shape.numel(shape)];
        rng.normals(v);
        return fromDoubles(v, dtype, shape);
    }

    /** Integers uniform in [low, high), int64. */
    public static Tensor randint(Philox rng, long low, long high, int... shape) {
        long[] v = new long[Shape.numel(shape)];
        rng.ints(low, high, v);
        return of(v, shape);
    }

    private static int[] checkLength(int length, int[] shape) {
        int[] sh = shape.length == 0 && length != 1 ? new int[] {length} : shape;
        if (Shape.numel(sh) != length) {
            throw new IllegalArgumentException("shape " + Shape.str(sh) + " needs " + Shape.numel(sh)
                    + " elements, the array has " + length);
        }
        return sh;
    }

    // ======================================================================================
    // metadata
    // ======================================================================================

    /** Element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return numel;
    }

    /** A copy of the element strides. */
    public int[] strides() {
        return strides.clone();
    }

    /** Offset of the first element in the storage, in elements. */
    public int offset() {
        return offset;
    }

    /** The storage this tensor views. */
    public Storage storage() {
        return storage;
    }

    /** The backend that computes on this tensor. */
    public Backend backend() {
        return backend;
    }

    /** Where the data lives. */
    public Device device() {
        return backend.device();
    }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** True when this tensor and {@code other} have equal shapes. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    // ======================================================================================
    // views
    // ======================================================================================

    /** A view with a new shape (one entry may be -1); fails when the strides do not allow it. */
    public Tensor view(int... newShape) {
        int[] sh = inferShape(newShape);
        int[] st = viewStrides(sh);
        if (st == null) {
            throw new IllegalArgumentException("cannot view " + Shape.str(shape) + " with strides "
                    + Arrays.toString(strides) + " as " + Shape.str(sh) + "; use reshape (copies) or contiguous()");
        }
        return new Tensor(storage, backend, dtype, sh, st, offset);
    }

    /** Like {@link #view}, copying first when the layout does not allow a view. */
    public Tensor reshape(int... newShape) {
        int[] sh = inferShape(newShape);
        int[] st = viewStrides(sh);
        return st != null ? new Tensor(storage, backend, dtype, sh, st, offset) : contiguous().view(sh);
    }

    /** Merges dimensions {@code start..end} (inclusive) into one. */
    public Tensor flatten(int start, int end) {
        if (shape.length == 0) {
            return reshape(1);
        }
        int s = Shape.axis(start, shape.length);
        int e = Shape.axis(end, shape.length);
        if (s > e) {
            throw new IllegalArgumentException("flatten: start axis " + start + " is after end axis " + end);
        }
        int[] sh = new int[shape.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) {
            sh[k++] = shape[i];
        }
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= shape[i];
        }
        sh[k++] = merged;
        for (int i = e + 1; i < shape.length; i++) {
            sh[k++] = shape[i];
        }
        return reshape(sh);
    }

    /** Everything into one dimension. */
    public Tensor flatten() {
        return reshape(numel);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int a, int b) {
        int x = Shape.axis(a, shape.length);
        int y = Shape.axis(b, shape.length);
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[x] = y;
        perm[y] = x;
        return permute(perm);
    }

    /** Transpose of the last two dimensions. */
    public Tensor t() {
        if (shape.length < 2) {
            throw new IllegalArgumentException("t() needs rank >= 2, got shape " + Shape.str(shape));
        }
        return transpose(-2, -1);
    }

    /** Reorders dimensions: result dimension i is this tensor's dimension {@code order[i]}. */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute order " + Arrays.toString(order) + " does not match rank " + shape.length);
        }
        int[] sh = new int[order.length];
        int[] st = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = Shape.axis(order[i], shape.length);
            if (seen[a]) {
                throw new IllegalArgumentException("permute order " + Arrays.toString(order) + " repeats axis " + a);
            }
            seen[a] = true;
            sh[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(storage, backend, dtype, sh, st, offset);
    }

    /** Elements {@code start .. start+length-1} of dimension {@code axis}. */
    public Tensor narrow(int axis, int start, int length) {
        int a = Shape.axis(axis, shape.length);
        if (start < 0 || length < 0 || (long) start + length > shape[a]) {
            throw new IndexOutOfBoundsException("narrow(" + axis + ", " + start + ", " + length
                    + ") is out of range for dimension of size " + shape[a] + " in shape " + Shape.str(shape));
        }
        int[] sh = shape.clone();
        sh[a] = length;
        return new Tensor(storage, backend, dtype, sh, strides.clone(), offset + (length == 0 ? 0 : start * strides[a]));
    }

    /** Elements {@code start, start+step, ...} below {@code end} of dimension {@code axis} (Python slicing, step &gt; 0). */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = Shape.axis(axis, shape.length);
        if (step <= 0) {
            throw new IllegalArgumentException("slice step must be positive, got " + step);
        }
        int n = shape[a];
        int s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int e = Math.max(s, Math.min(n, end < 0 ? end + n : end));
        int len = (e - s + step - 1) / step;
        int[] sh = shape.clone();
        int[] st = strides.clone();
        sh[a] = len;
        st[a] = strides[a] * step;
        return new Tensor(storage, backend, dtype, sh, st, offset + (len == 0 ? 0 : s * strides[a]));
    }

    /** The slice at {@code index} of dimension {@code axis}, removing that dimension. */
    public Tensor select(int axis, int index) {
        int a = Shape.axis(axis, shape.length);
        int i = index < 0 ? index + shape[a] : index;
        if (i < 0 || i >= shape[a]) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for dimension " + a
                    + " of size " + shape[a] + " in shape " + Shape.str(shape));
        }
        return new Tensor(storage, backend, dtype, remove(shape, a), remove(strides, a), offset + i * strides[a]);
    }

    /** Broadcasts to a larger shape without copying (size-1 dimensions get stride 0); -1 keeps a size. */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to fewer dimensions " + Shape.str(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] sh = new int[newShape.length];
        int[] st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int want = newShape[i];
            if (i < lead) {
                if (want < 0) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for new leading dimension " + i);
                }
                sh[i] = want;
                st[i] = 0;
            } else {
                int have = shape[i - lead];
                if (want == -1 || want == have) {
                    sh[i] = have;
                    st[i] = strides[i - lead];
                } else if (have == 1 && want >= 0) {
                    sh[i] = want;
                    st[i] = 0;
                } else {
                    throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to " + Shape.str(newShape));
                }
            }
        }
        return new Tensor(storage, backend, dtype, sh, st, offset);
    }

    /** Inserts a dimension of size 1 at {@code axis} (which may equal the rank). */
    public Tensor unsqueeze(int axis) {
        int a = Shape.axis(axis, shape.length + 1);
        int[] sh = new int[shape.length + 1];
        int[] st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < sh.length; i++) {
            if (i == a) {
                sh[i] = 1;
                st[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                sh[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        return new Tensor(storage, backend, dtype, sh, st, offset);
    }

    /** Removes dimension {@code axis}, which must have size 1. */
    public Tensor squeeze(int axis) {
        int a = Shape.axis(axis, shape.length);
        if (shape[a] != 1) {
            throw new IllegalArgumentException("squeeze: dimension " + a + " of " + Shape.str(shape) + " is not 1");
        }
        return new Tensor(storage, backend, dtype, remove(shape, a), remove(strides, a), offset);
    }

    /** Removes every dimension of size 1. */
    public Tensor squeeze() {
        int keep = 0;
        for (int d : shape) {
            keep += d == 1 ? 0 : 1;
        }
        int[] sh = new int[keep];
        int[] st = new int[keep];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                sh[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(storage, backend, dtype, sh, st, offset);
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy. */
    public Tensor copy() {
        Tensor out = empty(backend, dtype, shape);
        backend.copy(this, out);
        return out;
    }

    /** A copy converted to {@code type} (this tensor itself when the dtype already matches). */
    public Tensor to(DType type) {
        if (type == dtype) {
            return this;
        }
        Tensor out = empty(backend, type, shape);
        backend.copy(this, out);
        return out;
    }

    /** A copy on another device (this tensor itself when already there). */
    public Tensor to(Device device) {
        if (device.equals(device())) {
            return this;
        }
        Backend target = Backends.forDevice(device);
        Tensor out = empty(target, dtype, shape);
        (device.equals(Device.CPU) ? backend : target).copy(this, out);
        return out;
    }

    /**
     * Copies {@code src} (broadcast to this shape, any dtype) into this tensor; returns this. As
     * PyTorch's {@code copy_}, {@code src} may also be on the host when this tensor is on a device
     * or the other way round (e.g. loading host weights into a device model): the device's
     * backend moves the data. Two different accelerators are refused.
     */
    public Tensor copyFrom_(Tensor src) {
        Shape.broadcast(src.shape, shape, "copy");
        Backend via = backend;
        if (!src.device().equals(device())) {
            if (!src.device().equals(Device.CPU) && !device().equals(Device.CPU)) {
                throw new IllegalArgumentException("copy: tensors are on different devices (" + src.device()
                        + " and " + device() + "); copy through the host");
            }
            via = device().equals(Device.CPU) ? src.backend : backend; // the device side moves the bytes
        }
        via.copy(src.broadcastTo(shape, "copy"), this);
        return this;
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill_(double value) {
        backend.fill(this, value);
        return this;
    }

    private Tensor broadcastTo(int[] target, String op) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        int[] b = Shape.broadcast(shape, target, op);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " cannot be broadcast to " + Shape.str(target) + " in " + op);
        }
        return expand(target);
    }

    // ======================================================================================
    // elementwise
    // ======================================================================================

    /** {@code op(this)} into a new tensor; integer inputs give float32 for transcendental ops. */
    public Tensor map(UnaryOp op) {
        DType out = dtype.isFloating() || op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SQUARE
                || op == UnaryOp.SIGN || op == UnaryOp.RELU || op == UnaryOp.STEP ? dtype : DType.FLOAT32;
        Tensor y = empty(backend, out, shape);
        backend.unary(op, this, y);
        return y;
    }

    /** {@code op(this)} written over this tensor; returns this. */
    public Tensor map_(UnaryOp op) {
        backend.unary(op, this, this);
        return this;
    }

    /** {@code op(this, other)} with broadcasting and type promotion. */
    public Tensor zip(BinaryOp op, Tensor other) {
        checkSameDevice(other, op.label());
        int[] outShape = Shape.broadcast(shape, other.shape, op.label());
        DType t = DType.promote(dtype, other.dtype);
        if (op == BinaryOp.DIV && !t.isFloating()) {
            t = DType.FLOAT32; // true division, as PyTorch
        }
        Tensor y = empty(backend, t, outShape);
        backend.binary(op, this, other, y);
        return y;
    }

    /** {@code this = op(this, other)}; other must broadcast to this shape. Returns this. */
    public Tensor zip_(BinaryOp op, Tensor other) {
        checkSameDevice(other, op.label());
        int[] b = Shape.broadcast(shape, other.shape, op.label());
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException("in-place " + op.label() + ": shape " + Shape.str(other.shape)
                    + " does not broadcast to " + Shape.str(shape));
        }
        backend.binary(op, this, other, this);
        return this;
    }

    private Tensor zipScalar(BinaryOp op, double v) {
        try (Tensor s = scalarLike(v)) {
            return zip(op, s);
        }
    }

    private Tensor scalarLike(double v) {
        Tensor s = empty(backend, dtype.isFloating() || v == Math.rint(v) ? dtype : DType.FLOAT64);
        backend.fill(s, v);
        return s;
    }

    public Tensor add(Tensor o) { return zip(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return zip(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return zip(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return zip(BinaryOp.DIV, o); }
    public Tensor pow(Tensor o) { return zip(BinaryOp.POW, o); }
    public Tensor maximum(Tensor o) { return zip(BinaryOp.MAXIMUM, o); }
    public Tensor minimum(Tensor o) { return zip(BinaryOp.MINIMUM, o); }
    public Tensor eq(Tensor o) { return zip(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return zip(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return zip(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return zip(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return zip(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return zip(BinaryOp.GE, o); }
    public Tensor add(double v) { return zipScalar(BinaryOp.ADD, v); }
    public Tensor sub(double v) { return zipScalar(BinaryOp.SUB, v); }
    public Tensor mul(double v) { return zipScalar(BinaryOp.MUL, v); }
    public Tensor div(double v) { return zipScalar(BinaryOp.DIV, v); }
    public Tensor pow(double v) { return zipScalar(BinaryOp.POW, v); }
    public Tensor maximum(double v) { return zipScalar(BinaryOp.MAXIMUM, v); }
    public Tensor minimum(double v) { return zipScalar(BinaryOp.MINIMUM, v); }
    public Tensor eq(double v) { return zipScalar(BinaryOp.EQ, v); }
    public Tensor gt(double v) { return zipScalar(BinaryOp.GT, v); }
    public Tensor lt(double v) { return zipScalar(BinaryOp.LT, v); }
    public Tensor ge(double v) { return zipScalar(BinaryOp.GE, v); }
    public Tensor le(double v) { return zipScalar(BinaryOp.LE, v); }
    public Tensor add_(Tensor o) { return zip_(BinaryOp.ADD, o); }
    public Tensor sub_(Tensor o) { return zip_(BinaryOp.SUB, o); }
    public Tensor mul_(Tensor o) { return zip_(BinaryOp.MUL, o); }
    public Tensor div_(Tensor o) { return zip_(BinaryOp.DIV, o); }
    public Tensor mul_(double v) { try (Tensor s = scalarLike(v)) { return zip_(BinaryOp.MUL, s); } }
    public Tensor add_(double v) { try (Tensor s = scalarLike(v)) { return zip_(BinaryOp.ADD, s); } }
    public Tensor neg() { return map(UnaryOp.NEG); }
    public Tensor abs() { return map(UnaryOp.ABS); }
    public Tensor square() { return map(UnaryOp.SQUARE); }
    public Tensor sqrt() { return map(UnaryOp.SQRT); }
    public Tensor rsqrt() { return map(UnaryOp.RSQRT); }
    public Tensor reciprocal() { return map(UnaryOp.RECIPROCAL); }
    public Tensor exp() { return map(UnaryOp.EXP); }
    public Tensor log() { return map(UnaryOp.LOG); }
    public Tensor sign() { return map(UnaryOp.SIGN); }
    public Tensor relu() { return map(UnaryOp.RELU); }
    public Tensor sigmoid() { return map(UnaryOp.SIGMOID); }
    public Tensor tanh() { return map(UnaryOp.TANH); }
    public Tensor erf() { return map(UnaryOp.ERF); }
    public Tensor gelu() { return map(UnaryOp.GELU); }

    /** {@code cond != 0 ? a : b} elementwise, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        a.checkSameDevice(b, "where");
        a.checkSameDevice(cond, "where");
        int[] sh = Shape.broadcast(Shape.broadcast(cond.shape, a.shape, "where"), b.shape, "where");
        Tensor y = empty(a.backend, DType.promote(a.dtype, b.dtype), sh);
        a.backend.where(cond, a, b, y);
        return y;
    }

    // ======================================================================================
    // reductions
    // ======================================================================================

    /** Reduces over {@code axes} (all when empty). */
    public Tensor reduce(ReduceOp op, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes(axes, shape.length);
        if (numel == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException(op.name().toLowerCase() + " of an empty tensor " + Shape.str(shape) + " is undefined");
        }
        int[] kept = shape.clone();
        for (int a : ax) {
            kept[a] = 1;
        }
        DType t = op == ReduceOp.SUM && !dtype.isFloating() ? DType.INT64 : dtype;
        Tensor out = empty(backend, t, kept);
        backend.reduce(op, this, ax, out);
        return keepdim ? out : out.view(dropAxes(kept, ax));
    }

    /** Sum of all elements (rank 0). */
    public Tensor sum() { return reduce(ReduceOp.SUM, null, false); }
    public Tensor sum(int[] axes, boolean keepdim) { return reduce(ReduceOp.SUM, axes, keepdim); }
    public Tensor sum(int axis, boolean keepdim) { return reduce(ReduceOp.SUM, new int[] {axis}, keepdim); }
    public Tensor max() { return reduce(ReduceOp.MAX, null, false); }
    public Tensor max(int axis, boolean keepdim) { return reduce(ReduceOp.MAX, new int[] {axis}, keepdim); }
    public Tensor min() { return reduce(ReduceOp.MIN, null, false); }
    public Tensor min(int axis, boolean keepdim) { return reduce(ReduceOp.MIN, new int[] {axis}, keepdim); }

    /** Mean over {@code axes} (all when empty); integer tensors give float32. */
    public Tensor mean(int[] axes, boolean keepdim) {
        int[] ax = Shape.axes(axes, shape.length);
        long count = 1;
        for (int a : ax) {
            count *= shape[a];
        }
        Tensor src = dtype.isFloating() ? this : to(DType.FLOAT32);
        try (Tensor s = src.reduce(ReduceOp.SUM, ax, keepdim)) {
            return s.div((double) count);
        }
    }

    /** Mean of all elements. */
    public Tensor mean() {
        return mean(null, false);
    }

    /** Variance over {@code axes} with {@code correction} (1 = unbiased, 0 = biased), two-pass. */
    public Tensor var(int[] axes, int correction, boolean keepdim) {
        requireFloating(dtype, "var");
        int[] ax = Shape.axes(axes, shape.length);
        long count = 1;
        for (int a : ax) {
            count *= shape[a];
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor mu = mean(ax, true);
            Tensor ss = sub(mu).square().sum(ax, keepdim);
            return scope.keep(ss.div((double) Math.max(count - correction, 0)));
        }
    }

    /** Euclidean (p = 2) norm of all elements, as a rank-0 tensor. */
    public Tensor norm() {
        try (MemoryScope scope = MemoryScope.open()) {
            return scope.keep(square().sum().sqrt());
        }
    }

    /** Index of the first maximum along {@code axis}, int64. */
    public Tensor argmax(int axis, boolean keepdim) {
        return argReduce(true, axis, keepdim);
    }

    /** Index of the first minimum along {@code axis}, int64. */
    public Tensor argmin(int axis, boolean keepdim) {
        return argReduce(false, axis, keepdim);
    }

    private Tensor argReduce(boolean max, int axis, boolean keepdim) {
        int a = Shape.axis(axis, shape.length);
        if (shape[a] == 0) {
            throw new IllegalArgumentException("argmax/argmin over an empty dimension of " + Shape.str(shape));
        }
        int[] kept = shape.clone();
        kept[a] = 1;
        Tensor out = empty(backend, DType.INT64, kept);
        backend.argReduce(max, this, a, out);
        return keepdim ? out : out.view(dropAxes(kept, new int[] {a}));
    }

    /** The k-th largest element (k = 1: the maximum), e.g. the threshold of a top-k mask. */
    public double kthLargest(long k) {
        if (k < 1 || k > numel) {
            throw new IllegalArgumentException("k = " + k + " is outside [1, " + numel + "] for kthLargest");
        }
        return backend.kthLargest(this, k);
    }

    // ======================================================================================
    // linear algebra
    // ======================================================================================

    /**
     * Matrix product with PyTorch's {@code matmul} semantics: 1-D operands are promoted to a row
     * (left) or column (right) and the added dimension removed again; batch dimensions broadcast.
     */
    public Tensor matmul(Tensor other) {
        checkSameDevice(other, "matmul");
        if (dtype != other.dtype || !dtype.isFloating()) {
            throw new IllegalArgumentException("matmul needs two float32 or two float64 tensors, got "
                    + dtype + " and " + other.dtype);
        }
        if (shape.length == 0 || other.shape.length == 0) {
            throw new IllegalArgumentException("matmul needs tensors of rank >= 1, got " + Shape.str(shape)
                    + " and " + Shape.str(other.shape));
        }
        Tensor a = shape.length == 1 ? unsqueeze(0) : this;
        Tensor b = other.shape.length == 1 ? other.unsqueeze(1) : other;
        int m = a.size(-2);
        int k = a.size(-1);
        int k2 = b.size(-2);
        int n = b.size(-1);
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shape " + Shape.str(shape) + " does not match "
                    + Shape.str(other.shape) + " (inner dimensions " + k + " and " + k2 + ")");
        }
        int[] batch = Shape.broadcast(Arrays.copyOf(a.shape, a.shape.length - 2),
                Arrays.copyOf(b.shape, b.shape.length - 2), "matmul");
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = empty(backend, dtype, outShape);
        backend.matmul(a, b, out);
        if (shape.length == 1) {
            out = out.squeeze(-2);
        }
        if (other.shape.length == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }

    // ======================================================================================
    // softmax, indexing, joining
    // ======================================================================================

    /** Softmax along {@code axis}. */
    public Tensor softmax(int axis) {
        requireFloating(dtype, "softmax");
        return backend.softmax(this, Shape.axis(axis, shape.length), false);
    }

    /** Log-softmax along {@code axis}. */
    public Tensor logSoftmax(int axis) {
        requireFloating(dtype, "logSoftmax");
        return backend.softmax(this, Shape.axis(axis, shape.length), true);
    }

    /** Slices of this tensor along {@code axis} at int64 positions {@code index} (1-D). */
    public Tensor indexSelect(int axis, Tensor index) {
        int a = Shape.axis(axis, shape.length);
        checkSameDevice(index, "indexSelect");
        checkIndex(index, "indexSelect");
        if (index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect needs a 1-D index, got shape " + Shape.str(index.shape));
        }
        checkIndexRange(index, shape[a], "indexSelect");
        return backend.indexSelect(this, a, index);
    }

    /** torch.gather along {@code axis}: index has this rank, and no dimension larger except along axis. */
    public Tensor gather(int axis, Tensor index) {
        int a = Shape.axis(axis, shape.length);
        checkSameDevice(index, "gather");
        checkIndex(index, "gather");
        checkScatterShapes(index.shape, null, a, "gather");
        checkIndexRange(index, shape[a], "gather");
        return backend.gather(this, a, index);
    }

    /** torch.scatter_add_ along {@code axis}, in place; returns this. */
    public Tensor scatterAdd_(int axis, Tensor index, Tensor src) {
        int a = Shape.axis(axis, shape.length);
        checkSameDevice(index, "scatterAdd");
        checkSameDevice(src, "scatterAdd");
        checkIndex(index, "scatterAdd");
        checkScatterShapes(index.shape, src.shape, a, "scatterAdd");
        checkIndexRange(index, shape[a], "scatterAdd");
        requireDType(src, dtype, "scatterAdd");
        backend.scatterAdd(this, a, index, src);
        return this;
    }

    /** torch.index_add_ along {@code axis}, in place; returns this. */
    public Tensor indexAdd_(int axis, Tensor index, Tensor src) {
        int a = Shape.axis(axis, shape.length);
        checkSameDevice(index, "indexAdd");
        checkSameDevice(src, "indexAdd");
        checkIndex(index, "indexAdd");
        if (index.rank() != 1 || src.rank() != shape.length || src.shape[a] != index.shape[0]) {
            throw new IllegalArgumentException("indexAdd: src " + Shape.str(src.shape) + " and index "
                    + Shape.str(index.shape) + " do not fit " + Shape.str(shape) + " along axis " + a);
        }
        for (int i = 0; i < shape.length; i++) {
            if (i != a && src.shape[i] != shape[i]) {
                throw new IllegalArgumentException("indexAdd: src " + Shape.str(src.shape) + " does not match "
                        + Shape.str(shape) + " outside axis " + a);
            }
        }
        checkIndexRange(index, shape[a], "indexAdd");
        requireDType(src, dtype, "indexAdd");
        backend.indexAdd(this, a, index, src);
        return this;
    }

    /** Joins tensors of equal shape except along {@code axis}. */
    public static Tensor cat(List<Tensor> parts, int axis) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cat needs at least one tensor");
        }
        Tensor first = parts.get(0);
        int a = Shape.axis(axis, first.rank());
        for (Tensor p : parts) {
            first.checkSameDevice(p, "cat");
            if (p.dtype != first.dtype) {
                throw new IllegalArgumentException("cat: dtypes differ (" + first.dtype + " and " + p.dtype + ")");
            }
            if (p.rank() != first.rank()) {
                throw new IllegalArgumentException("cat: ranks differ (" + Shape.str(first.shape) + " and " + Shape.str(p.shape) + ")");
            }
            for (int i = 0; i < p.rank(); i++) {
                if (i != a && p.shape[i] != first.shape[i]) {
                    throw new IllegalArgumentException("cat along axis " + a + ": shape " + Shape.str(p.shape)
                            + " does not match " + Shape.str(first.shape));
                }
            }
        }
        return first.backend.cat(parts, a);
    }

    /** Stacks tensors of equal shape along a new dimension {@code axis}. */
    public static Tensor stack(List<Tensor> parts, int axis) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("stack needs at least one tensor");
        }
        int a = Shape.axis(axis, parts.get(0).rank() + 1);
        Tensor[] u = new Tensor[parts.size()];
        for (int i = 0; i < u.length; i++) {
            if (!parts.get(i).sameShape(parts.get(0))) {
                throw new IllegalArgumentException("stack: shape " + Shape.str(parts.get(i).shape)
                        + " differs from " + Shape.str(parts.get(0).shape));
            }
            u[i] = parts.get(i).unsqueeze(a);
        }
        return cat(List.of(u), a);
    }

    // ======================================================================================
    // reading values
    // ======================================================================================

    /** All elements, row-major, as floats. */
    public float[] toFloatArray() {
        try (Tensor c = hostContiguous(DType.FLOAT32)) {
            float[] v = new float[numel];
            ((HostStorage) c.storage).floats().get(c.offset, v);
            return v;
        }
    }

    /** All elements, row-major, as doubles. */
    public double[] toDoubleArray() {
        try (Tensor c = hostContiguous(DType.FLOAT64)) {
            double[] v = new double[numel];
            ((HostStorage) c.storage).doubles().get(c.offset, v);
            return v;
        }
    }

    /** All elements, row-major, as ints (truncated toward zero). */
    public int[] toIntArray() {
        try (Tensor c = hostContiguous(DType.INT32)) {
            int[] v = new int[numel];
            ((HostStorage) c.storage).ints().get(c.offset, v);
            return v;
        }
    }

    /** All elements, row-major, as longs (truncated toward zero). */
    public long[] toLongArray() {
        try (Tensor c = hostContiguous(DType.INT64)) {
            long[] v = new long[numel];
            ((HostStorage) c.storage).longs().get(c.offset, v);
            return v;
        }
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel != 1) {
            throw new IllegalArgumentException("item() needs exactly one element, shape is " + Shape.str(shape));
        }
        return toDoubleArray()[0];
    }

    /** One element by its full index. */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " does not match rank " + shape.length);
        }
        Tensor t = this;
        for (int i = 0; i < index.length; i++) {
            t = t.select(0, index[i]);
        }
        return t.item();
    }

    /**
     * A contiguous host tensor of {@code type} with this tensor's values; when no copy is needed
     * it is this tensor wrapped so that closing it does not free this one's storage.
     */
    private Tensor hostContiguous(DType type) {
        if (type == dtype && isContiguous() && device().equals(Device.CPU)) {
            return new Tensor(storage, backend, dtype, shape, strides, offset).borrowed();
        }
        Tensor out = empty(Backends.cpu(), type, shape);
        backend.copy(this, out); // a device backend copies to the host; the CPU converts
        return out;
    }

    // ======================================================================================
    // lifetime and printing
    // ======================================================================================

    /**
     * Frees the storage now (and with it every view of it). Only for tensors whose storage no
     * other live tensor needs; inside a scope prefer letting the scope free it.
     */
    @Override
    public void close() {
        if (!borrowed) {
            storage.release();
        }
    }

    private boolean borrowed;

    private Tensor borrowed() {
        borrowed = true;
        return this;
    }

    /** Shape, dtype and up to six leading values: {@code Tensor[2, 3] float32 [0.1, 0.2, ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ').append(dtype);
        if (!device().equals(Device.CPU)) {
            sb.append(' ').append(device());
        }
        if (storage.isReleased()) {
            return sb.append(" (freed)").toString();
        }
        int show = Math.min(numel, 6);
        double[] v;
        try (Tensor head = flatHead(show)) {
            v = head.toDoubleArray();
        }
        sb.append(" [");
        for (int i = 0; i < show; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dtype.isFloating() ? String.format(java.util.Locale.ROOT, "%.4g", v[i]) : Long.toString((long) v[i]));
        }
        return sb.append(numel > show ? ", ...]" : "]").toString();
    }

    private Tensor flatHead(int n) {
        Tensor out = empty(Backends.cpu(), DType.FLOAT64, n);
        if (n > 0) {
            Tensor flat = reshapeNoScope();
            backend.copy(flat.narrow(0, 0, n), out);
        }
        return out;
    }

    private Tensor reshapeNoScope() {
        int[] st = viewStrides(new int[] {numel});
        return st != null ? new Tensor(storage, backend, dtype, new int[] {numel}, st, offset) : copy().view(numel);
    }

    // ======================================================================================
    // checks and helpers
    // ======================================================================================

    private int[] inferShape(int[] newShape) {
        int[] sh = Shape.copy(newShape);
        int infer = -1;
        long known = 1;
        for (int i = 0; i < sh.length; i++) {
            if (sh[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one dimension can be -1 in " + Shape.str(newShape));
                }
                infer = i;
            } else if (sh[i] < 0) {
                throw new IllegalArgumentException("bad dimension " + sh[i] + " in " + Shape.str(newShape));
            } else {
                known *= sh[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " (" + numel + " elements) into " + Shape.str(newShape));
            }
            sh[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " (" + numel + " elements) into " + Shape.str(newShape));
        }
        return sh;
    }

    /** Strides that view this tensor's elements in row-major order as {@code target}, or null. */
    private int[] viewStrides(int[] target) {
        if (isContiguous()) {
            return Shape.contiguousStrides(target);
        }
        // Walk both shapes, matching groups of old dimensions that are contiguous among themselves
        // (the rule of PyTorch's computeStride).
        int[] st = new int[target.length];
        int oldIdx = 0;
        int newIdx = 0;
        int[] oldShape = shape;
        while (newIdx < target.length || oldIdx < oldShape.length) {
            // skip size-1 dimensions on both sides
            if (newIdx < target.length && target[newIdx] == 1) {
                st[newIdx] = 1;
                newIdx++;
                continue;
            }
            if (oldIdx < oldShape.length && oldShape[oldIdx] == 1) {
                oldIdx++;
                continue;
            }
            if (newIdx >= target.length || oldIdx >= oldShape.length) {
                return null;
            }
            long oldProd = oldShape[oldIdx];
            int groupEnd = oldIdx;
            long newProd = target[newIdx];
            int newStart = newIdx;
            while (oldProd != newProd) {
                if (oldProd < newProd) {
                    int next = groupEnd + 1;
                    while (next < oldShape.length && oldShape[next] == 1) {
                        next++;
                    }
                    if (next >= oldShape.length) {
                        return null;
                    }
                    if (strides[groupEnd] != (long) strides[next] * oldShape[next]) {
                        return null;
                    }
                    groupEnd = next;
                    oldProd *= oldShape[next];
                } else {
                    newIdx++;
                    if (newIdx >= target.length) {
                        return null;
                    }
                    newProd *= target[newIdx];
                }
            }
            int stride = strides[groupEnd];
            for (int i = newIdx; i >= newStart; i--) {
                st[i] = stride;
                stride *= target[i];
            }
            newIdx++;
            oldIdx = groupEnd + 1;
        }
        return st;
    }

    private static int[] remove(int[] a, int idx) {
        int[] r = new int[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) {
            if (i != idx) {
                r[j++] = a[i];
            }
        }
        return r;
    }

    private static int[] dropAxes(int[] kept, int[] axes) {
        int[] r = new int[kept.length - axes.length];
        for (int i = 0, j = 0; i < kept.length; i++) {
            if (Arrays.binarySearch(axes, i) < 0) {
                r[j++] = kept[i];
            }
        }
        return r;
    }

    private void checkSameDevice(Tensor other, String op) {
        if (!device().equals(other.device())) {
            throw new IllegalArgumentException(op + ": tensors are on different devices (" + device() + " and " + other.device() + ")");
        }
    }

    private static void requireFloating(DType t, String op) {
        if (!t.isFloating()) {
            throw new IllegalArgumentException(op + " needs a float32 or float64 tensor, got " + t);
        }
    }

    private static void requireDType(Tensor t, DType want, String op) {
        if (t.dtype != want) {
            throw new IllegalArgumentException(op + " needs " + want + ", got " + t.dtype);
        }
    }

    private static void checkIndex(Tensor index, String op) {
        if (index.dtype != DType.INT64 && index.dtype != DType.INT32) {
            throw new IllegalArgumentException(op + " needs an int64 or int32 index tensor, got " + index.dtype);
        }
    }

    private static void checkIndexRange(Tensor index, int size, String op) {
        if (index.numel == 0) {
            return;
        }
        double lo;
        double hi;
        try (Tensor mn = index.min(); Tensor mx = index.max()) {
            lo = mn.item();
            hi = mx.item();
        }
        if (lo < 0 || hi >= size) {
            throw new IndexOutOfBoundsException(op + ": index values [" + (long) lo + ", " + (long) hi
                    + "] are outside [0, " + size + ")");
        }
    }

    private void checkScatterShapes(int[] index, int[] src, int axis, String op) {
        if (index.length != shape.length || (src != null && src.length != shape.length)) {
            throw new IllegalArgumentException(op + ": index " + Shape.str(index) + " must have the rank of "
                    + Shape.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if ((i != axis && index[i] > shape[i]) || (src != null && index[i] > src[i])) {
                throw new IllegalArgumentException(op + ": index " + Shape.str(index) + " is larger than "
                        + Shape.str(shape) + (src != null ? " or src " + Shape.str(src) : "") + " at dimension " + i);
            }
        }
    }
}
