package dev.inlierq.eval;

import dev.inlierq.detect.Detection;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * Bootstrap confidence intervals for the nuScenes centre-distance mAP of bird's-eye-view detections (the mean over
 * the classes and the four distance thresholds of {@link CenterDistanceEvaluator}, the "BEV mAP"), by resampling the
 * images of an {@link ImageBootstrap} with its draws: for the same seed, sample b here counts each image as often
 * as sample b of that bootstrap's COCO numbers, so the two describe the same resampled image sets.
 *
 * <p>Match once, resample many times. {@link #match} runs the evaluator's matching once per detection set (every
 * class, every threshold; see {@link CentreMatches}); a sample's mAP is the evaluator's counting with every
 * detection and every ground-truth centre of image i weighted by its multiplicity {@code m_i}
 * ({@link CentreMatches#map(int[])}: each of the image's detections is a true or false positive {@code m_i} times,
 * its ground truth counts {@code m_i} times, and its tied detections are repeated as m_i adjacent copies, so the
 * mAP is exactly that of a dataset holding m_i copies of the image). A class none of whose ground truth was drawn
 * is left out of that sample's mean, as the evaluator leaves out a class without ground truth; a sample that draws
 * no ground truth at all has no mAP and is left out of the statistics.
 *
 * <p>The statistics are {@link ImageBootstrap}'s: the percentile interval at {@link ImageBootstrap#LEVEL} and the
 * bootstrap standard deviation ({@link ImageBootstrap.Interval}), and for two detection sets scored with the same
 * multiplicities the difference B - A ({@link ImageBootstrap.Difference}). They cover the choice of evaluation
 * images only, as there. The true-positive errors (ATE, ASE, AOE) are not resampled.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CenterDistanceBootstrap {
    private final ImageBootstrap images;
    private final double cellSize;
    private final CocoDataset dataset;
    private final long[] imgIds;
    private final int[] catIds;
    private final BevCentres gt;

    /**
     * The bootstrap of one detection set's mAP.
     *
     * @param samples the samples drawn
     * @param seed the seed of the draws
     * @param level the interval's level
     * @param defined the samples in which the mAP is defined (some class has a drawn ground-truth centre), those the
     *     statistics use
     * @param point the mAP of the plain evaluation (every image once), equal to {@link CenterDistanceMetrics#map()}
     *     of {@link CenterDistanceEvaluator}; -1 when undefined
     * @param map the interval of the mAP
     */
    public record Summary(int samples, long seed, double level, int defined, double point,
            ImageBootstrap.Interval map) {
    }

    /**
     * The paired bootstrap of two detection sets' mAP on the same images, with the same multiplicities in each sample.
     *
     * @param a model A alone
     * @param b model B alone
     * @param map the difference of the mAP, B - A
     */
    public record Paired(Summary a, Summary b, ImageBootstrap.Difference map) {
    }

    /**
     * Resampling the images of {@code images} (its dataset and evaluated image ids), with distances at this cell size.
     *
     * @param cellSize metres per pixel, finite and positive, as {@link CenterDistanceEvaluator} takes it
     * @throws IllegalArgumentException for a cell size that is not
     */
    public CenterDistanceBootstrap(ImageBootstrap images, double cellSize) {
        this.images = Objects.requireNonNull(images);
        if (!(Double.isFinite(cellSize) && cellSize > 0)) {
            throw new IllegalArgumentException("the cell size must be a positive number of metres, got " + cellSize);
        }
        this.cellSize = cellSize;
        this.dataset = images.dataset();
        this.imgIds = images.imageIds();
        this.catIds = CocoEvaluator.categoryIds(dataset);
        this.gt = BevCentres.groundTruth(dataset, imgIds, catIds);
    }

    /** The number of images resampled, n. */
    public int images() {
        return imgIds.length;
    }

    /**
     * Matches a detection set once, as {@link CenterDistanceEvaluator} does (detections on other images or of
     * undeclared categories dropped, with its exceptions).
     */
    public CentreMatches match(Collection<Detection> detections) {
        CocoBoxes dts = CocoBoxes.detections(dataset, detections, imgIds, catIds);
        return new CentreMatches(this, gt, dts, imgIds.length, catIds.length, cellSize);
    }

    /**
     * {@code samples} bootstrap samples of one detection set's mAP, drawn as {@link ImageBootstrap#resample} draws
     * them for this seed.
     *
     * @throws IllegalArgumentException when samples is below 1 or the matches belong to another bootstrap
     */
    public Summary resample(CentreMatches m, int samples, long seed) {
        return summary(own(m), draw(new CentreMatches[] {m}, samples, seed)[0], samples, seed);
    }

    /**
     * {@code samples} paired bootstrap samples of two detection sets' mAP: the same multiplicities for both in each
     * sample (those of {@link ImageBootstrap#resamplePaired} for this seed); differences are {@code b - a}.
     *
     * @throws IllegalArgumentException when samples is below 1 or the matches belong to another bootstrap
     */
    public Paired resamplePaired(CentreMatches a, CentreMatches b, int samples, long seed) {
        double[][] v = draw(new CentreMatches[] {own(a), own(b)}, samples, seed);
        Summary sa = summary(a, v[0], samples, seed);
        Summary sb = summary(b, v[1], samples, seed);
        return new Paired(sa, sb, ImageBootstrap.difference(sa.point(), sb.point(), v[0], v[1]));
    }

    private CentreMatches own(CentreMatches m) {
        if (m.owner() != this) {
            throw new IllegalArgumentException("matches made by another CenterDistanceBootstrap (other ground truth, "
                    + "images or cell size)");
        }
        return m;
    }

    /**
     * The sampled mAP of each set ({@code [set][sample]}), over the samples in which it is defined (the same samples
     * for every set: definedness depends on the ground truth only).
     */
    double[][] draw(CentreMatches[] sets, int samples, long seed) {
        ImageBootstrap.checkSamples(samples);
        for (CentreMatches m : sets) {
            own(m);
        }
        double[][] v = new double[sets.length][samples];
        int[] defined = {0};
        images.forEachDraw(samples, seed, m -> {
            double first = sets[0].mapUnchecked(m);
            if (first == -1) {
                return;
            }
            v[0][defined[0]] = first;
            for (int s = 1; s < sets.length; s++) {
                v[s][defined[0]] = sets[s].mapUnchecked(m);
            }
            defined[0]++;
        });
        for (int s = 0; s < sets.length; s++) {
            v[s] = Arrays.copyOf(v[s], defined[0]);
        }
        return v;
    }

    private static Summary summary(CentreMatches m, double[] v, int samples, long seed) {
        double point = m.map(ImageBootstrap.ones(m.images()));
        return new Summary(samples, seed, ImageBootstrap.LEVEL, v.length, point, ImageBootstrap.interval(v));
    }
}
