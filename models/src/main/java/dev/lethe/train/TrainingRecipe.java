package dev.lethe.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.autograd.Variable;
import dev.lethe.data.Augment;
import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.AdamW;
import dev.lethe.optim.Constant;
import dev.lethe.optim.LrSchedule;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.optim.WarmupCosine;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.Philox;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a model is trained: optimizer, schedule, augmentation, epochs and batch size, with a
 * default recipe per architecture; each value can be changed by name ({@link #with}, the
 * {@code --set key=value} of {@code lethe train}) under the names of {@link #KEYS}. A checkpoint
 * carries its recipe and seed ({@link #METADATA_KEY}, {@link #SEED_KEY}), so that unlearning can
 * retrain from scratch exactly as the original was trained ({@link #train}).
 *
 * <ul>
 * <li>mlp: SGD, momentum 0.9, lr 0.05, no weight decay, cosine to 0, batch 128, 10 epochs, no
 * augmentation;</li>
 * <li>resnet18: SGD, momentum 0.9, lr 0.05, weight decay 5e-4, cosine, crop + flip, batch 128,
 * 15 epochs;</li>
 * <li>vit: AdamW (β 0.9/0.999, ε 1e-8), lr 1e-3, weight decay 0.05, 2 epochs of linear warm-up
 * then cosine, crop + flip, gradient norm clipped at 1, batch 128, 20 epochs.</li>
 * </ul>
 *
 * @param optimizer     {@code sgd} or {@code adamw}
 * @param lr            peak learning rate
 * @param momentum      SGD momentum
 * @param nesterov      SGD Nesterov momentum
 * @param weightDecay   L2 (SGD) or decoupled (AdamW) weight decay
 * @param beta1         AdamW β₁
 * @param beta2         AdamW β₂
 * @param eps           AdamW ε
 * @param schedule      {@code cosine} (after the warm-up) or {@code constant}
 * @param warmupEpochs  epochs of linear warm-up (cosine only; fractions allowed)
 * @param minLr         the rate cosine ends at
 * @param augment       random crop with zero padding and horizontal flip (MODELS.md)
 * @param clipNorm      global gradient-norm limit, 0 for none
 * @param epochs        epochs to train
 * @param batchSize     images per step
 * @param evalBatchSize images per evaluation batch
 */
public record TrainingRecipe(String optimizer, double lr, double momentum, boolean nesterov, double weightDecay,
                      double beta1, double beta2, double eps, String schedule, double warmupEpochs, double minLr,
                      boolean augment, double clipNorm, int epochs, int batchSize, int evalBatchSize) {

    /** The keys {@code --set} accepts for training (the rest are model config keys). */
    public static final List<String> KEYS = List.of("optimizer", "lr", "momentum", "nesterov", "weight_decay", "beta1",
            "beta2", "eps", "schedule", "warmup_epochs", "min_lr", "augment", "clip_norm", "epochs", "batch_size",
            "eval_batch_size");

    /** Checks the values. */
    public TrainingRecipe {
        if (!optimizer.equals("sgd") && !optimizer.equals("adamw")) {
            throw new IllegalArgumentException("optimizer must be sgd or adamw, got '" + optimizer + "'");
        }
        if (!schedule.equals("cosine") && !schedule.equals("constant")) {
            throw new IllegalArgumentException("schedule must be cosine or constant, got '" + schedule + "'");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be a finite number > 0, got " + lr);
        }
        if (!(warmupEpochs >= 0) || !(minLr >= 0 && minLr <= lr) || !(clipNorm >= 0)) {
            throw new IllegalArgumentException("warmup_epochs and clip_norm must be >= 0 and min_lr in [0, lr], got "
                    + warmupEpochs + ", " + clipNorm + " and " + minLr);
        }
        if (warmupEpochs > 0 && schedule.equals("constant")) {
            throw new IllegalArgumentException("warmup_epochs needs schedule=cosine");
        }
        if (epochs < 0 || batchSize <= 0 || evalBatchSize <= 0) {
            throw new IllegalArgumentException("epochs must be >= 0 and batch sizes > 0, got epochs " + epochs
                    + ", batch_size " + batchSize + ", eval_batch_size " + evalBatchSize);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The checkpoint metadata key holding the recipe as a JSON object of key to value text. */
    public static final String METADATA_KEY = "lethe.recipe";
    /** The checkpoint metadata key holding the training seed. */
    public static final String SEED_KEY = "lethe.seed";

    /** The default recipe of {@code arch} (see the class comment). */
    public static TrainingRecipe defaults(String arch) {
        return switch (arch) {
            case "mlp" -> new TrainingRecipe("sgd", 0.05, 0.9, false, 0, 0.9, 0.999, 1e-8, "cosine", 0, 0, false, 0,
                    10, 128, 1000);
            case "resnet18" -> new TrainingRecipe("sgd", 0.05, 0.9, false, 5e-4, 0.9, 0.999, 1e-8, "cosine", 0, 0,
                    true, 0, 15, 128, 500);
            case "vit" -> new TrainingRecipe("adamw", 1e-3, 0.9, false, 0.05, 0.9, 0.999, 1e-8, "cosine", 2, 0, true,
                    1.0, 20, 128, 500);
            default -> throw new IllegalArgumentException("unknown architecture '" + arch + "'");
        };
    }

    /** This recipe with {@code key} set from its text; an IllegalArgumentException names a bad key or value. */
    public TrainingRecipe with(String key, String value) {
        String v = value.strip();
        String o = optimizer;
        String s = schedule;
        double lr1 = lr;
        double m = momentum;
        boolean n = nesterov;
        double wd = weightDecay;
        double b1 = beta1;
        double b2 = beta2;
        double e = eps;
        double w = warmupEpochs;
        double min = minLr;
        boolean aug = augment;
        double clip = clipNorm;
        int ep = epochs;
        int bs = batchSize;
        int ebs = evalBatchSize;
        switch (key) {
            case "optimizer" -> o = v.toLowerCase(Locale.ROOT);
            case "schedule" -> s = v.toLowerCase(Locale.ROOT);
            case "lr" -> lr1 = number(key, v);
            case "momentum" -> m = number(key, v);
            case "nesterov" -> n = bool(key, v);
            case "weight_decay" -> wd = number(key, v);
            case "beta1" -> b1 = number(key, v);
            case "beta2" -> b2 = number(key, v);
            case "eps" -> e = number(key, v);
            case "warmup_epochs" -> w = number(key, v);
            case "min_lr" -> min = number(key, v);
            case "augment" -> aug = bool(key, v);
            case "clip_norm" -> clip = number(key, v);
            case "epochs" -> ep = integer(key, v);
            case "batch_size" -> bs = integer(key, v);
            case "eval_batch_size" -> ebs = integer(key, v);
            default -> throw new IllegalArgumentException("unknown training key '" + key + "'; expected "
                    + String.join(", ", KEYS));
        }
        return new TrainingRecipe(o, lr1, m, n, wd, b1, b2, e, s, w, min, aug, clip, ep, bs, ebs);
    }

    /** The optimizer over {@code params}, at the peak rate. */
    public Optimizer optimizer(List<Variable> params) {
        return optimizer.equals("sgd") ? new Sgd(params, lr, momentum, nesterov, weightDecay)
                : new AdamW(params, lr, beta1, beta2, eps, weightDecay);
    }

    /** The learning rate of every step, for epochs of {@code stepsPerEpoch} steps. */
    public LrSchedule schedule(long stepsPerEpoch) {
        long total = epochs * stepsPerEpoch;
        long warmup = Math.round(warmupEpochs * stepsPerEpoch);
        if (schedule.equals("constant") || total <= warmup) {
            return new Constant(lr);
        }
        return new WarmupCosine(lr, warmup, total, minLr);
    }

    /** The augmentation of training images of {@code height}×{@code width}. */
    public Augment augmentation(int height, int width) {
        return augment ? Augment.standard(height, width) : Augment.NONE;
    }

    /** E.g. {@code sgd lr 0.05 momentum 0.9, cosine, batch 128, no augmentation}. */
    public String describe() {
        String opt = optimizer.equals("sgd")
                ? String.format(Locale.ROOT, "sgd lr %s momentum %s%s weight decay %s", num(lr), num(momentum),
                        nesterov ? " (nesterov)" : "", num(weightDecay))
                : String.format(Locale.ROOT, "adamw lr %s betas %s/%s weight decay %s", num(lr), num(beta1),
                        num(beta2), num(weightDecay));
        String sched = schedule.equals("cosine")
                ? (warmupEpochs > 0 ? "warm-up " + num(warmupEpochs) + " epochs + cosine" : "cosine")
                : "constant lr";
        return opt + ", " + sched + ", batch " + batchSize + (augment ? ", crop + flip" : ", no augmentation")
                + (clipNorm > 0 ? ", clip norm " + num(clipNorm) : "");
    }

    /** Every value by its key in {@link #KEYS} order, as the text {@link #with} reads back. */
    public LinkedHashMap<String, String> values() {
        LinkedHashMap<String, String> v = new LinkedHashMap<>();
        v.put("optimizer", optimizer);
        v.put("lr", num(lr));
        v.put("momentum", num(momentum));
        v.put("nesterov", Boolean.toString(nesterov));
        v.put("weight_decay", num(weightDecay));
        v.put("beta1", num(beta1));
        v.put("beta2", num(beta2));
        v.put("eps", num(eps));
        v.put("schedule", schedule);
        v.put("warmup_epochs", num(warmupEpochs));
        v.put("min_lr", num(minLr));
        v.put("augment", Boolean.toString(augment));
        v.put("clip_norm", num(clipNorm));
        v.put("epochs", Integer.toString(epochs));
        v.put("batch_size", Integer.toString(batchSize));
        v.put("eval_batch_size", Integer.toString(evalBatchSize));
        return v;
    }

    /** The checkpoint metadata of this recipe and {@code seed}: {@link #METADATA_KEY} and {@link #SEED_KEY}. */
    public Map<String, String> toMetadata(long seed) {
        try {
            return Map.of(METADATA_KEY, JSON.writeValueAsString(values()), SEED_KEY, Long.toString(seed));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The recipe a checkpoint's metadata names, or {@code defaults(arch)} when it names none
     * (e.g. a PyTorch export); an IllegalArgumentException when the stored recipe is malformed.
     */
    public static TrainingRecipe fromMetadata(String arch, Map<String, String> metadata) {
        TrainingRecipe r = defaults(arch);
        String json = metadata.get(METADATA_KEY);
        if (json == null) {
            return r;
        }
        try {
            Map<String, Object> stored = JSON.readValue(json,
                    new TypeReference<LinkedHashMap<String, Object>>() { });
            for (Map.Entry<String, Object> e : stored.entrySet()) {
                r = r.with(e.getKey(), String.valueOf(e.getValue()));
            }
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(METADATA_KEY + " is not a JSON object: " + e.getOriginalMessage());
        }
    }

    /** The seed a checkpoint's metadata names, or {@code fallback} when it names none. */
    public static long seedFromMetadata(Map<String, String> metadata, long fallback) {
        String s = metadata.get(SEED_KEY);
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_KEY + " must be an integer, got '" + s + "'");
        }
    }

    /** The trainer options of this recipe for {@code train} and {@code seed}, reporting to {@code progress}. */
    public TrainOptions trainOptions(Dataset train, long seed, Progress progress) {
        return TrainOptions.defaults()
                .withEpochs(epochs)
                .withBatchSize(batchSize)
                .withSeed(seed)
                .withAugment(augmentation(train.height(), train.width()))
                .withClipNorm(clipNorm)
                .withEvalBatchSize(evalBatchSize)
                .withProgress(progress);
    }

    /**
     * Trains a fresh {@code spec} model from {@code Philox(seed)} on {@code train} with this
     * recipe (no test pass, no checkpoint) and returns it in evaluation mode: the run
     * {@code lethe train} does, and the one retraining repeats on the retained data.
     */
    public Module train(ModelSpec spec, Dataset train, long seed, Progress progress) throws IOException {
        return train(spec, train, seed, Device.CPU, progress);
    }

    /**
     * {@link #train(ModelSpec, Dataset, long, Progress)} on {@code device}: the model is built
     * (on the host, so the initial weights are the same everywhere), moved there, then trained.
     */
    public Module train(ModelSpec spec, Dataset train, long seed, Device device, Progress progress)
            throws IOException {
        Module model = spec.build(new Philox(seed)).to(device);
        long stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
        try (Optimizer opt = optimizer(model.parameters())) {
            new Trainer(model, spec, opt, schedule(stepsPerEpoch), trainOptions(train, seed, progress)).fit(train, null);
        }
        model.eval();
        return model;
    }

    /** {@code 0.0005}, {@code 0.9}, {@code 2}: plain decimals without trailing zeros. */
    private static String num(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static double number(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a finite number, got '" + v + "'");
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean bool(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }
}
