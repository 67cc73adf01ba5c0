package dev.inlierq.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one synthetic generation, built with {@link #builder()}. Everything here except
 * {@link #threads()} decides the output: the same settings give the same bytes, whatever the thread count.
 *
 * <p>Defaults: seed 0, 320x320 images, 3,000 training and 300 validation images, all eight {@link SynthClass}es,
 * distractors on, noise level 1, 3 to 10 labelled objects per image, objects at least 40% visible to be labelled,
 * JPEG, as many threads as processors.
 */
public final class SynthConfig {
    /** Bumped whenever a change to the generator changes its output for the same settings. */
    public static final int GENERATOR_VERSION = 1;
    /** Largest image count of a split (file names have six digits). */
    public static final int MAX_IMAGES = 999_999;
    /** Default shortest long side of an object, in pixels of a 320-pixel image. */
    public static final double DEFAULT_MIN_LENGTH = 12;
    /** Default longest long side of an object, in pixels of a 320-pixel image. */
    public static final double DEFAULT_MAX_LENGTH = 120;

    private final long seed;
    private final int imageSize;
    private final int trainImages;
    private final int valImages;
    private final List<SynthClass> classes;
    private final boolean distractors;
    private final double noiseLevel;
    private final int minObjects;
    private final int maxObjects;
    private final double minVisible;
    private final double minLength;
    private final double maxLength;
    private final ImageFormat format;
    private final int threads;

    private SynthConfig(Builder b) {
        this.seed = b.seed;
        this.imageSize = b.imageSize;
        this.trainImages = b.trainImages;
        this.valImages = b.valImages;
        this.classes = List.copyOf(b.classes);
        this.distractors = b.distractors;
        this.noiseLevel = b.noiseLevel;
        this.minObjects = b.minObjects;
        this.maxObjects = b.maxObjects;
        this.minVisible = b.minVisible;
        this.minLength = b.minLength;
        this.maxLength = b.maxLength;
        this.format = b.format;
        this.threads = b.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().seed(seed).imageSize(imageSize).trainImages(trainImages).valImages(valImages)
                .classes(classes).distractors(distractors).noiseLevel(noiseLevel).objects(minObjects, maxObjects)
                .minVisible(minVisible).objectLengths(minLength, maxLength).format(format).threads(threads);
    }

    public long seed() {
        return seed;
    }

    /** Width and height of every image, in pixels. */
    public int imageSize() {
        return imageSize;
    }

    public int trainImages() {
        return trainImages;
    }

    public int valImages() {
        return valImages;
    }

    /** The number of images of {@code split}. */
    public int images(Split split) {
        return split == Split.TRAIN ? trainImages : valImages;
    }

    /** The labelled classes; category id {@code i + 1} is {@code classes().get(i)}. */
    public List<SynthClass> classes() {
        return classes;
    }

    /** Whether unlabelled distractor shapes are drawn (1 to 4 per image). */
    public boolean distractors() {
        return distractors;
    }

    /**
     * Scale of the image degradations: lighting change, blur and Gaussian noise. 0 gives clean renderings, 1 the
     * default strength, 2 twice as strong.
     */
    public double noiseLevel() {
        return noiseLevel;
    }

    /** Fewest labelled objects drawn in an image (before the visibility rule drops hidden ones). */
    public int minObjects() {
        return minObjects;
    }

    /** Most labelled objects drawn in an image. */
    public int maxObjects() {
        return maxObjects;
    }

    /** An object is labelled only when at least this fraction of its area is visible (in the image, not covered). */
    public double minVisible() {
        return minVisible;
    }

    /** Shortest long side of an object, in pixels of a 320-pixel image (scaled with {@link #imageSize()}). */
    public double minLength() {
        return minLength;
    }

    /** Longest long side of an object, in pixels of a 320-pixel image (scaled with {@link #imageSize()}). */
    public double maxLength() {
        return maxLength;
    }

    public ImageFormat format() {
        return format;
    }

    /** Worker threads; does not change the output. */
    public int threads() {
        return threads;
    }

    /** The settings that decide the output, as written to the manifest (everything but the thread count). */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generator_version", GENERATOR_VERSION);
        m.put("seed", seed);
        m.put("size", imageSize);
        m.put("train", trainImages);
        m.put("val", valImages);
        m.put("classes", classes.stream().map(SynthClass::cocoName).toList());
        m.put("distractors", distractors);
        m.put("noise", noiseLevel);
        m.put("min_objects", minObjects);
        m.put("max_objects", maxObjects);
        m.put("min_visible", minVisible);
        m.put("object_lengths", List.of(minLength, maxLength));
        m.put("format", format.extension());
        return m;
    }

    @Override
    public String toString() {
        return "SynthConfig" + settings();
    }

    /** Builds a {@link SynthConfig}; {@link #build()} checks the ranges. */
    public static final class Builder {
        private long seed;
        private int imageSize = 320;
        private int trainImages = 3000;
        private int valImages = 300;
        private List<SynthClass> classes = Arrays.asList(SynthClass.values());
        private boolean distractors = true;
        private double noiseLevel = 1.0;
        private int minObjects = 3;
        private int maxObjects = 10;
        private double minVisible = 0.4;
        private double minLength = DEFAULT_MIN_LENGTH;
        private double maxLength = DEFAULT_MAX_LENGTH;
        private ImageFormat format = ImageFormat.JPEG;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Square images of {@code size} pixels, 64 to 2048. Object sizes scale with it (see {@link #objectLengths}). */
        public Builder imageSize(int size) {
            this.imageSize = size;
            return this;
        }

        public Builder trainImages(int count) {
            this.trainImages = count;
            return this;
        }

        public Builder valImages(int count) {
            this.valImages = count;
            return this;
        }

        /** The labelled classes, in category-id order; no repeats. */
        public Builder classes(List<SynthClass> classes) {
            this.classes = new ArrayList<>(Objects.requireNonNull(classes));
            return this;
        }

        public Builder distractors(boolean on) {
            this.distractors = on;
            return this;
        }

        /** 0 (clean) to 2. */
        public Builder noiseLevel(double level) {
            this.noiseLevel = level;
            return this;
        }

        /** Labelled objects drawn per image: {@code 1 <= min <= max <= 40}. */
        public Builder objects(int min, int max) {
            this.minObjects = min;
            this.maxObjects = max;
            return this;
        }

        /** Fraction of an object that must stay visible for it to be labelled, in (0, 1]. */
        public Builder minVisible(double fraction) {
            this.minVisible = fraction;
            return this;
        }

        /**
         * Objects' long sides are log-uniform between {@code min} and {@code max} pixels of a 320-pixel image
         * (scaled with the image size): {@code 4 <= min <= max <= 320}.
         */
        public Builder objectLengths(double min, double max) {
            this.minLength = min;
            this.maxLength = max;
            return this;
        }

        public Builder format(ImageFormat format) {
            this.format = Objects.requireNonNull(format);
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public SynthConfig build() {
            check(imageSize >= 64 && imageSize <= 2048, "image size must be 64 to 2048 pixels, got " + imageSize);
            check(trainImages >= 0 && trainImages <= MAX_IMAGES, "training image count must be 0 to " + MAX_IMAGES
                    + ", got " + trainImages);
            check(valImages >= 0 && valImages <= MAX_IMAGES, "validation image count must be 0 to " + MAX_IMAGES
                    + ", got " + valImages);
            check(trainImages + valImages > 0, "no image to generate: training and validation counts are both 0");
            check(!classes.isEmpty(), "no labelled class");
            check(EnumSet.copyOf(classes).size() == classes.size(), "a class is listed twice: " + classes);
            check(noiseLevel >= 0 && noiseLevel <= 2, "noise level must be 0 to 2, got " + noiseLevel);
            checkObjects(minObjects, maxObjects);
            check(minVisible > 0 && minVisible <= 1, "visible fraction must be in (0, 1], got " + minVisible);
            checkLengths(minLength, maxLength);
            check(threads >= 1, "threads must be at least 1, got " + threads);
            return new SynthConfig(this);
        }

        /**
         * Refuses a range of labelled objects per image outside {@code 1 <= min <= max <= 40}.
         *
         * @throws IllegalArgumentException saying so
         */
        public static void checkObjects(int min, int max) {
            check(min >= 1 && min <= max && max <= 40,
                    "objects per image must satisfy 1 <= min <= max <= 40, got " + min + " to " + max);
        }

        /**
         * Refuses a range of object long sides outside {@code 4 <= min <= max <= 320} pixels (at 320).
         *
         * @throws IllegalArgumentException saying so
         */
        public static void checkLengths(double min, double max) {
            check(min >= 4 && min <= max && max <= 320,
                    "object lengths must satisfy 4 <= min <= max <= 320 pixels (at 320), got " + min + " to " + max);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
