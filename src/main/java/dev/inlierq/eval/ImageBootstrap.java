package dev.inlierq.eval;

import dev.inlierq.detect.Detection;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Bootstrap confidence intervals for COCO AP, AP50 and AP75 by resampling the evaluated images (Efron and
 * Tibshirani, "An Introduction to the Bootstrap", Chapman and Hall, 1993: the bootstrap estimate of the standard
 * error, chapter 6, and the percentile interval, chapter 13).
 *
 * <p>Match once, resample many times. {@link #match} runs {@link CocoEvaluator}'s own matching once per detection
 * set (area range "all", 100 detections per image and category; see {@link ImageMatches}). A bootstrap sample
 * draws n images with replacement from the n evaluated ones ({@link SplittableRandom} seeded by the caller, so
 * the same seed gives the same numbers), which gives every image a multiplicity {@code m_i} (0, 1, 2, ...); the
 * sample's AP is the evaluator's accumulation with every detection and every ground-truth box of image i
 * weighted by {@code m_i} ({@link ImageMatches#point}). Weighting stands for m copies of the image whose
 * detections sit together in the score order; copies under other image ids would interleave only with other
 * detections of exactly the same score.
 *
 * <p>What is reported, over the B samples in which AP is defined (some category has a counting ground-truth box;
 * with a few hundred images that is every sample):
 * <ul>
 *   <li>the percentile interval at level {@value #LEVEL}: the 2.5th and 97.5th percentiles of the sampled values.
 *       Percentile rule: the sampled values sorted, {@code x[0] <= ... <= x[B-1]}; the q-th quantile is at position
 *       {@code h = (B - 1) * q}, {@code x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])} (linear
 *       interpolation between order statistics, numpy's default {@code percentile});</li>
 *   <li>the bootstrap standard deviation of the sampled values, with B - 1 in the denominator (NaN for B = 1).</li>
 * </ul>
 * The paired form ({@link #resamplePaired}) scores two detection sets (model A and model B) with the same
 * multiplicities in each sample and reports the same for the sampled differences B - A, with the point difference
 * of the plain evaluation and the share of samples in which B - A is below zero. {@link CenterDistanceBootstrap}
 * does the same for the nuScenes centre-distance mAP of bird's-eye-view maps, with these draws: for the same seed
 * its sample b counts the same images as sample b here.
 *
 * <p>What the interval means: how much AP moves when the same detector is scored on other images drawn like these
 * ones. It covers the sampling of the evaluation images only: not the seed of a quantization run, not the choice of
 * calibration images, not the randomness of training. Two quantization runs that differ by less than their seeds
 * move AP are not told apart by this interval; for that, run several seeds. With a few hundred images the percentile
 * interval is an approximation (Efron and Tibshirani recommend at least 1000 samples for percentiles). The sampled
 * AP also sits above the plain AP (per category, precision is a ratio of counts and its envelope a running maximum,
 * which resampling few images per category pushes up: on YOLOX-Nano's 206 val2017 images by about one sd), so the
 * interval need not be centred on the point; in the paired form both detection sets get nearly the same shift.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImageBootstrap {
    /** The level of the percentile interval. */
    public static final double LEVEL = 0.95;

    private final CocoDataset dataset;
    private final long[] imgIds;
    private final int[] catIds;
    private final CocoBoxes gts;

    /**
     * AP@[.50:.05:.95], AP50 and AP75 (area "all", 100 detections); -1 when undefined, as in {@link CocoMetrics}.
     *
     * @param ap AP over the 10 IoU thresholds
     * @param ap50 AP at IoU 0.50
     * @param ap75 AP at IoU 0.75
     */
    public record Point(double ap, double ap50, double ap75) {
    }

    /**
     * The percentile interval and the bootstrap standard deviation of one number.
     *
     * @param low the {@code (1 - level) / 2} quantile of the samples
     * @param high the {@code 1 - (1 - level) / 2} quantile
     * @param sd the samples' standard deviation (denominator B - 1)
     */
    public record Interval(double low, double high, double sd) {
    }

    /**
     * The bootstrap of one detection set.
     *
     * @param samples the samples drawn
     * @param seed the seed of the draws
     * @param level the interval's level
     * @param defined the samples in which AP is defined, those the statistics use
     * @param point AP, AP50, AP75 of the plain evaluation (every image once), equal to {@link CocoEvaluator}'s
     * @param ap interval of AP
     * @param ap50 interval of AP50
     * @param ap75 interval of AP75
     */
    public record Summary(int samples, long seed, double level, int defined, Point point, Interval ap,
            Interval ap50, Interval ap75) {
    }

    /**
     * A paired difference B - A.
     *
     * @param value the difference of the plain evaluations (NaN when undefined)
     * @param low the {@code (1 - level) / 2} quantile of the sampled differences
     * @param high the {@code 1 - (1 - level) / 2} quantile
     * @param sd the standard deviation of the sampled differences (denominator B - 1)
     * @param shareBelowZero the share of the samples in which B - A {@code < 0} (a description of the bootstrap
     *     distribution, not a p-value)
     */
    public record Difference(double value, double low, double high, double sd, double shareBelowZero) {
    }

    /**
     * The paired bootstrap of two detection sets on the same images, with the same multiplicities in each sample.
     *
     * @param a model A alone
     * @param b model B alone
     * @param ap the difference of AP, B - A
     * @param ap50 the difference of AP50
     * @param ap75 the difference of AP75
     */
    public record Paired(Summary a, Summary b, Difference ap, Difference ap50, Difference ap75) {
    }

    /** Resampling every image of the dataset. */
    public ImageBootstrap(CocoDataset dataset) {
        this(dataset, CocoEvaluator.allIds(Objects.requireNonNull(dataset)));
    }

    /**
     * Resampling the given images (as {@link CocoEvaluator#evaluate(Collection, Collection)} evaluates them: each
     * once, ascending by id).
     *
     * @throws IllegalArgumentException when an image id is not in the dataset
     */
    public ImageBootstrap(CocoDataset dataset, Collection<Long> imageIds) {
        this(dataset, CocoEvaluator.ids(imageIds));
    }

    private ImageBootstrap(CocoDataset dataset, long[] requestedIds) {
        this.dataset = Objects.requireNonNull(dataset);
        this.imgIds = CocoEvaluator.evaluatedIds(dataset, requestedIds);
        this.catIds = CocoEvaluator.categoryIds(dataset);
        this.gts = CocoBoxes.groundTruth(dataset, imgIds, catIds);
    }

    /** The number of images resampled, n. */
    public int images() {
        return imgIds.length;
    }

    /**
     * Matches a detection set once, as {@link CocoEvaluator} does (detections on other images or of undeclared
     * categories dropped, with its exceptions).
     */
    public ImageMatches match(Collection<Detection> detections) {
        CocoBoxes dts = CocoBoxes.detections(dataset, detections, imgIds, catIds);
        return new ImageMatches(this, gts, dts, imgIds.length, catIds.length);
    }

    /**
     * {@code samples} bootstrap samples of one detection set.
     *
     * @throws IllegalArgumentException when samples is below 1 or the matches belong to another bootstrap
     */
    public Summary resample(ImageMatches m, int samples, long seed) {
        double[][][] v = draw(new ImageMatches[] {own(m)}, samples, seed);
        return summary(m, v[0], samples, seed);
    }

    /**
     * {@code samples} paired bootstrap samples of two detection sets on these images: the same multiplicities for
     * both in each sample; differences are {@code b - a}.
     *
     * @throws IllegalArgumentException when samples is below 1 or the matches belong to another bootstrap
     */
    public Paired resamplePaired(ImageMatches a, ImageMatches b, int samples, long seed) {
        double[][][] v = draw(new ImageMatches[] {own(a), own(b)}, samples, seed);
        Summary sa = summary(a, v[0], samples, seed);
        Summary sb = summary(b, v[1], samples, seed);
        return new Paired(sa, sb, difference(sa.point().ap(), sb.point().ap(), v[0][0], v[1][0]),
                difference(sa.point().ap50(), sb.point().ap50(), v[0][1], v[1][1]),
                difference(sa.point().ap75(), sb.point().ap75(), v[0][2], v[1][2]));
    }

    /**
     * The q-th quantile ({@code 0 <= q <= 1}) of {@code sorted[0..n)} (ascending, n at least 1) by the rule in the
     * class comment: linear interpolation at position {@code (n - 1) * q}.
     */
    public static double percentile(double[] sorted, int n, double q) {
        if (n < 1 || !(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("percentile of " + n + " values at " + q);
        }
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) {
            return sorted[n - 1];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /** Fills {@code m} with the multiplicities of n draws with replacement from its n images. */
    static void drawMultiplicities(SplittableRandom rnd, int[] m) {
        Arrays.fill(m, 0);
        for (int i = 0; i < m.length; i++) {
            m[rnd.nextInt(m.length)]++;
        }
    }

    /** The dataset the ground truth comes from. */
    CocoDataset dataset() {
        return dataset;
    }

    /** The resampled image ids, ascending: image i of a multiplicity array is {@code imageIds()[i]}. */
    long[] imageIds() {
        return imgIds.clone();
    }

    private ImageMatches own(ImageMatches m) {
        if (m.owner() != this) {
            throw new IllegalArgumentException("matches made by another ImageBootstrap (other ground truth or images)");
        }
        return m;
    }

    /**
     * Draws the {@code samples} multiplicity arrays of the bootstrap with this seed and hands each to {@code sample},
     * in order: the draws of every resample of these images ({@link #resample}, {@link #resamplePaired} and
     * {@link CenterDistanceBootstrap}'s), so that the same seed gives every statistic the same resampled image sets.
     * The array (length {@link #images()}, images in ascending id order) is reused: it is valid during the call only.
     *
     * @throws IllegalArgumentException when samples is below 1
     */
    void forEachDraw(int samples, long seed, Consumer<int[]> sample) {
        checkSamples(samples);
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] m = new int[imgIds.length];
        for (int b = 0; b < samples; b++) {
            drawMultiplicities(rnd, m);
            sample.accept(m);
        }
    }

    /**
     * The sampled AP, AP50, AP75 of each set ({@code [set][metric][sample]}), over the samples in which they are
     * defined (the same samples for every set: definedness depends on the ground truth only).
     */
    double[][][] draw(ImageMatches[] sets, int samples, long seed) {
        checkSamples(samples);
        double[][][] v = new double[sets.length][3][samples];
        ImageMatches.Work[] work = new ImageMatches.Work[sets.length];
        for (int s = 0; s < sets.length; s++) {
            work[s] = sets[s].new Work();
        }
        int[] defined = {0};
        forEachDraw(samples, seed, m -> {
            Point[] p = new Point[sets.length];
            for (int s = 0; s < sets.length; s++) {
                p[s] = sets[s].point(m, work[s]);
                if ((p[s].ap() == -1) != (p[0].ap() == -1)) {
                    throw new IllegalStateException("AP defined for one detection set and not the other");
                }
            }
            if (p[0].ap() == -1) {
                return;
            }
            for (int s = 0; s < sets.length; s++) {
                v[s][0][defined[0]] = p[s].ap();
                v[s][1][defined[0]] = p[s].ap50();
                v[s][2][defined[0]] = p[s].ap75();
            }
            defined[0]++;
        });
        for (double[][] set : v) {
            for (int i = 0; i < 3; i++) {
                set[i] = Arrays.copyOf(set[i], defined[0]);
            }
        }
        return v;
    }

    /**
     * Checks a number of samples.
     *
     * @throws IllegalArgumentException when it is below 1
     */
    static void checkSamples(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
    }

    /**
     * Checks a multiplicity array: {@code images} entries, none negative.
     *
     * @throws IllegalArgumentException when it is not one
     */
    static void checkMultiplicities(int[] multiplicity, int images) {
        if (multiplicity.length != images) {
            throw new IllegalArgumentException("expected " + images + " multiplicities, got " + multiplicity.length);
        }
        for (int m : multiplicity) {
            if (m < 0) {
                throw new IllegalArgumentException("negative multiplicity " + m);
            }
        }
    }

    /** Every image once: the plain evaluation. */
    static int[] ones(int images) {
        int[] ones = new int[images];
        Arrays.fill(ones, 1);
        return ones;
    }

    private static Summary summary(ImageMatches m, double[][] v, int samples, long seed) {
        Point point = m.point(ones(m.images()));
        return new Summary(samples, seed, LEVEL, v[0].length, point, interval(v[0]), interval(v[1]),
                interval(v[2]));
    }

    /** The percentile interval at {@link #LEVEL} and the sd of these sampled values; NaNs when there is none. */
    static Interval interval(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double tail = (1 - LEVEL) / 2;
        return new Interval(percentile(sorted, n, tail), percentile(sorted, n, 1 - tail), sd(values));
    }

    /**
     * The paired difference B - A of a statistic: its plain values ({@code -1}: undefined, giving a NaN value) and
     * its sampled values {@code a[i]}, {@code b[i]} in the same samples.
     */
    static Difference difference(double pointA, double pointB, double[] a, double[] b) {
        double[] d = new double[a.length];
        int below = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = b[i] - a[i];
            below += d[i] < 0 ? 1 : 0;
        }
        Interval iv = interval(d);
        double value = pointA == -1 || pointB == -1 ? Double.NaN : pointB - pointA;
        return new Difference(value, iv.low(), iv.high(), iv.sd(), d.length == 0 ? Double.NaN
                : below / (double) d.length);
    }

    /** Standard deviation with n - 1 in the denominator (two passes); NaN for fewer than 2 values. */
    private static double sd(double[] x) {
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (n - 1));
    }
}
