package dev.inlierq.eval;

import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Bird's-eye-view detection scored by centre distance, the mean average precision of the nuScenes detection
 * benchmark (H. Caesar et al., "nuScenes: A multimodal dataset for autonomous driving", CVPR 2020, the detection
 * metrics of section 3, and its devkit's {@code accumulate} and {@code calc_ap}). A small BEV object (a
 * pedestrian is 2.4 x 2.4 pixels at 0.25 m per pixel) can hardly reach COCO's box overlaps; what matters on a map
 * is where its centre is.
 *
 * <p>For each class and each threshold {@code d} of {@link #THRESHOLDS} (0.5, 1, 2 and 4 metres):
 * <ol>
 *   <li>all detections of the class, over all evaluated images, are sorted by descending score; equal scores keep
 *       the order of ascending image id, then the input order (the devkit visits equal scores in reverse input
 *       order instead);</li>
 *   <li>in that order, each takes the nearest ground-truth centre of its class on its image that no earlier
 *       detection took, if that distance is below {@code d} (a true positive), else it is a false positive
 *       ({@link CentreMatcher});</li>
 *   <li>AP is the area under the precision-recall curve read at 101 recalls, leaving out recalls up to 0.1 and
 *       precision below 0.1 and rescaled to [0, 1] ({@link NuScenesAp}).</li>
 * </ol>
 * Ground-truth centres are those of the annotations' {@code rotated_bbox} when present, else of their
 * {@code bbox}; crowd annotations are left out. A detection's centre is that of its box. Distances are in the
 * ground plane, in metres: the pixel distance times the cell size. The class's AP is the mean over the four
 * thresholds and mAP the mean over the classes ({@link CenterDistanceMetrics}).
 *
 * <p>The true-positive errors of nuScenes (its {@code accumulate} at {@code dist_th_tp = 2} m, {@code cummean} and
 * {@code calc_tp}; {@link TruePositiveErrors}) come with the AP: every true positive of the matching at 2 m records
 * its errors, whose running mean in score order is read at the 101 recalls through the detections' scores and
 * averaged from recall 0.11 to the highest recall reached (1 when that is empty or there is no true positive):
 * <ul>
 *   <li>ATE, the centre distance in metres;</li>
 *   <li>ASE, 1 - IoU of the detection's and the ground truth's boxes put on a common centre and heading: nuScenes'
 *       3D boxes when every ground-truth box has a {@code rotated_bbox} and a {@code height} and every detection a
 *       {@link Detection#box3d()} with a footprint and a height; the rotated footprints when all have footprints;
 *       else the axis-aligned {@code bbox} hulls ({@link CenterDistanceMetrics#aseForm()});</li>
 *   <li>AOE, the smallest difference in radians (period 2 pi) between the detection's {@link Detection#yaw()} and
 *       the ground truth's {@code rotated_bbox} yaw, a missing value where either has none. It is not computed
 *       (NaN) for the classes of {@link #classesWithoutHeading()} (as the devkit leaves traffic cones out), for a
 *       class none of whose ground truth has a {@code rotated_bbox}, nor at all when no evaluated detection has a
 *       yaw.</li>
 * </ul>
 * mATE, mASE and mAOE are their means over the classes ({@link CenterDistanceMetrics#mate()}, ...).
 *
 * <p>Classes without ground truth on the evaluated images are left out of every mean (the devkit would count them
 * as AP 0 and errors 1; nuScenes' own classes always have ground truth). Not reproduced from nuScenes: the
 * per-class detection ranges (the whole map counts), the limit of 500 boxes per sample, the velocity and attribute
 * errors (a map has neither) and so the NDS, which needs them. Which detections count is as in
 * {@link CocoEvaluator}: those on evaluated images whose category the dataset declares.
 *
 * <p>Every number depends only on the ground truth, the detections and the image ids, not on the order of the
 * image ids given; instances are immutable and thread-safe.
 */
public final class CenterDistanceEvaluator {
    /** The distance thresholds of nuScenes, in metres. */
    public static final List<Double> THRESHOLDS = List.of(0.5, 1.0, 2.0, 4.0);

    /** The key of the cell size in the annotation file's {@code info.settings}, as the LiDAR benchmark writes it. */
    public static final String CELL_SIZE_SETTING = "cell_size";

    /**
     * The classes of the LiDAR benchmark whose heading is undefined: its pedestrians are vertical cylinders with a
     * uniform random yaw. The default of {@link #classesWithoutHeading()} for a file that records a cell size.
     */
    public static final Set<String> SYNTH_LIDAR_WITHOUT_HEADING = Set.of("pedestrian");

    private final CocoDataset dataset;
    private final double cellSize;
    private final Set<String> withoutHeading;

    /**
     * An evaluator whose {@link #classesWithoutHeading()} are {@link #SYNTH_LIDAR_WITHOUT_HEADING} when the dataset
     * records a cell size ({@link #cellSizeOf}: a file of the LiDAR benchmark), else none.
     *
     * @param cellSize metres per pixel, finite and positive
     * @throws IllegalArgumentException for a cell size that is not
     */
    public CenterDistanceEvaluator(CocoDataset dataset, double cellSize) {
        this(dataset, cellSize, cellSizeOf(dataset).isPresent() ? SYNTH_LIDAR_WITHOUT_HEADING : Set.of());
    }

    private CenterDistanceEvaluator(CocoDataset dataset, double cellSize, Set<String> withoutHeading) {
        this.dataset = Objects.requireNonNull(dataset);
        if (!(Double.isFinite(cellSize) && cellSize > 0)) {
            throw new IllegalArgumentException("the cell size must be a positive number of metres, got " + cellSize);
        }
        this.cellSize = cellSize;
        this.withoutHeading = Set.copyOf(withoutHeading);
    }

    /**
     * This evaluator with another set of class names (category names) whose heading is undefined: their orientation
     * error is not computed, as the devkit leaves traffic cones out of AOE.
     */
    public CenterDistanceEvaluator withoutHeading(Set<String> classNames) {
        return new CenterDistanceEvaluator(dataset, cellSize, classNames);
    }

    /** The class names whose orientation error is not computed. */
    public Set<String> classesWithoutHeading() {
        return withoutHeading;
    }

    /**
     * The cell size in metres that the annotation file records in {@code info.settings.cell_size} (the LiDAR
     * benchmark writes it), if any; it may be non-positive, which {@link #CenterDistanceEvaluator} refuses.
     */
    public static OptionalDouble cellSizeOf(CocoDataset dataset) {
        return dataset.infoSetting(CELL_SIZE_SETTING);
    }

    /**
     * The evaluator at the cell size {@code dataset} records ({@link #cellSizeOf}); empty when it records none or one
     * that is not a positive number (a plain COCO file).
     */
    public static Optional<CenterDistanceEvaluator> recorded(CocoDataset dataset) {
        OptionalDouble cell = cellSizeOf(dataset);
        return cell.isPresent() && Double.isFinite(cell.getAsDouble()) && cell.getAsDouble() > 0
                ? Optional.of(new CenterDistanceEvaluator(dataset, cell.getAsDouble())) : Optional.empty();
    }

    /** Evaluates the detections over every image of the dataset. */
    public CenterDistanceMetrics evaluate(Collection<Detection> detections) {
        return evaluate(detections, dataset.images().stream().map(CocoDataset.Image::id).toList());
    }

    /**
     * Evaluates the detections over the given images only; detections on other images are dropped.
     *
     * @throws IllegalArgumentException when an image id is not in the dataset, or a detection has a non-finite box
     *     or score or an infinite yaw
     * @throws UserError {@link ExitCode#BAD_ANNOTATIONS} when a detection refers to an image id that the dataset
     *     does not declare
     */
    public CenterDistanceMetrics evaluate(Collection<Detection> detections, Collection<Long> imageIds) {
        long[] imgIds = imageIds.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        for (long id : imgIds) {
            if (dataset.image(id).isEmpty()) {
                throw new IllegalArgumentException("image id " + id + " is not in the dataset");
            }
        }
        int[] catIds = dataset.categoryIds().stream().mapToInt(Integer::intValue).toArray();
        BevCentres gt = BevCentres.groundTruth(dataset, imgIds, catIds);
        CocoBoxes dts = CocoBoxes.detections(dataset, detections, imgIds, catIds);
        boolean yaws = Arrays.stream(dts.yaw).anyMatch(y -> !Double.isNaN(y));
        CenterDistanceMetrics.AseForm form = TruePositiveErrors.aseForm(gt, dts);
        List<CenterDistanceMetrics.ClassAp> classes = new ArrayList<>();
        for (int k = 0; k < catIds.length; k++) {
            int nPos = gt.count(k);
            if (nPos == 0) {
                continue;
            }
            int[] order = scoreOrder(dts, k);
            List<Double> aps = new ArrayList<>(THRESHOLDS.size());
            int[] atTpDistance = null; // the matching the true-positive errors read: one of the thresholds'
            for (double d : THRESHOLDS) {
                int[] matched = CentreMatcher.match(gt, k, dts, order, d, cellSize);
                aps.add(NuScenesAp.ap(CentreMatcher.truePositives(matched), nPos));
                atTpDistance = d == TruePositiveErrors.DISTANCE ? matched : atTpDistance;
            }
            String name = dataset.category(catIds[k]).map(CocoDataset.Category::name).orElse("");
            boolean withAoe = yaws && gt.hasHeading(k) && !withoutHeading.contains(name);
            CenterDistanceMetrics.TpErrors errors = TruePositiveErrors.of(gt, dts, order, atTpDistance, nPos,
                    cellSize, withAoe, form);
            classes.add(new CenterDistanceMetrics.ClassAp(catIds[k], name, nPos, aps, errors));
        }
        return new CenterDistanceMetrics(cellSize, THRESHOLDS, classes, form);
    }

    /**
     * Category {@code k}'s detections by descending score, stably from their (image, input) order: the order of the
     * matching, which {@link CenterDistanceBootstrap} keeps.
     */
    static int[] scoreOrder(CocoBoxes dts, int k) {
        int from = dts.catStart[k];
        int n = dts.catStart[k + 1] - from;
        int[] order = new int[n];
        Arrays.setAll(order, i -> from + i);
        CocoNumerics.sortByScoreDescending(order, 0, n, dts.areaOrScore, new int[n]);
        return order;
    }
}
