package dev.lethe.cli;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Augment;
import dev.lethe.optim.AdamW;
import dev.lethe.optim.Constant;
import dev.lethe.optim.LrSchedule;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.optim.WarmupCosine;
import java.util.List;
import java.util.Locale;

/**
 * The hyper-parameters of {@code lethe train}, with a default recipe per architecture; each can
 * be changed with {@code --set key=value} under the names of {@link #KEYS}.
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
record TrainingRecipe(String optimizer, double lr, double momentum, boolean nesterov, double weightDecay,
                      double beta1, double beta2, double eps, String schedule, double warmupEpochs, double minLr,
                      boolean augment, double clipNorm, int epochs, int batchSize, int evalBatchSize) {

    /** The keys {@code --set} accepts for training (the rest are model config keys). */
    static final List<String> KEYS = List.of("optimizer", "lr", "momentum", "nesterov", "weight_decay", "beta1",
            "beta2", "eps", "schedule", "warmup_epochs", "min_lr", "augment", "clip_norm", "epochs", "batch_size",
            "eval_batch_size");

    /** Checks the values. */
    TrainingRecipe {
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

    /** The default recipe of {@code arch} (see the class comment). */
    static TrainingRecipe defaults(String arch) {
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
    TrainingRecipe with(String key, String value) {
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
    Optimizer optimizer(List<Variable> params) {
        return optimizer.equals("sgd") ? new Sgd(params, lr, momentum, nesterov, weightDecay)
                : new AdamW(params, lr, beta1, beta2, eps, weightDecay);
    }

    /** The learning rate of every step, for epochs of {@code stepsPerEpoch} steps. */
    LrSchedule schedule(long stepsPerEpoch) {
        long total = epochs * stepsPerEpoch;
        long warmup = Math.round(warmupEpochs * stepsPerEpoch);
        if (schedule.equals("constant") || total <= warmup) {
            return new Constant(lr);
        }
        return new WarmupCosine(lr, warmup, total, minLr);
    }

    /** The augmentation of training images of {@code height}×{@code width}. */
    Augment augmentation(int height, int width) {
        return augment ? Augment.standard(height, width) : Augment.NONE;
    }

    /** E.g. {@code sgd lr 0.05 momentum 0.9, cosine, batch 128, no augmentation}. */
    String describe() {
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
