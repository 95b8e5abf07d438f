package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.data.Normalization;
import dev.lethe.nn.ModelSpec;

/**
 * How a model reads its input, from its spec: the normalisation of 8-bit images (the config's
 * {@code normalize}, else only the division by 255, CLI.md) and the image shape it accepts.
 * The checks run before any computation so that the message names the file and both shapes.
 */
final class ModelInputs {
    private ModelInputs() {
    }

    /** The normalisation 8-bit images get for this model. */
    static Normalization normalization(ModelSpec spec) {
        return spec.normalize().map(n -> new Normalization(n.mean(), n.std())).orElse(Normalization.SCALE_ONLY);
    }

    /** Throws {@link BadInputException} unless the model accepts images of {@code data}'s shape. */
    static void checkImages(ModelSpec spec, Dataset data) {
        String images = data.source() + ": images are " + data.channels() + "×" + data.height() + "×" + data.width()
                + " (C×H×W)";
        switch (spec.arch()) {
            case "mlp" -> {
                int features = spec.intValue("in_features");
                if (data.imageSize() != features) {
                    throw new BadInputException(images + ", " + data.imageSize() + " values per image; the mlp model "
                            + "expects in_features = " + features);
                }
            }
            case "resnet18" -> checkChannels(spec, data, images);
            case "vit" -> {
                checkChannels(spec, data, images);
                int side = spec.intValue("image_size");
                if (data.height() != side || data.width() != side) {
                    throw new BadInputException(images + "; the vit model expects image_size = " + side + " ("
                            + side + "×" + side + ")");
                }
            }
            default -> throw new IllegalStateException("unreachable: " + spec.arch());
        }
    }

    private static void checkChannels(ModelSpec spec, Dataset data, String images) {
        int channels = spec.intValue("in_channels");
        if (data.channels() != channels) {
            throw new BadInputException(images + ": " + data.channels() + " channels; the " + spec.arch()
                    + " model expects in_channels = " + channels);
        }
    }

    /** Throws {@link BadInputException} when a label of {@code data} is not a class of the model. */
    static void checkLabels(ModelSpec spec, Dataset data) {
        int classes = spec.numClasses();
        if (data.numClasses() > classes) {
            int[] labels = data.labels();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] >= classes) {
                    throw new BadInputException(data.source() + ": label " + labels[i] + " at index " + i
                            + " is outside 0.." + (classes - 1) + "; the model has num_classes = " + classes);
                }
            }
        }
    }
}
