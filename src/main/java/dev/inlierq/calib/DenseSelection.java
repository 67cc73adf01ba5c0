package dev.inlierq.calib;

import dev.inlierq.detect.Detection;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.engine.GraphExecutor;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Label-free calibration images for a detector: of a pool of the folder's images drawn by the seed
 * ({@link CalibrationSet#draw}; the whole folder when it holds at most {@value #POOL_FACTOR} times the count),
 * the {@code count} on which the float model finds the most detections scoring at least {@value #MIN_SCORE}
 * (its spec's decoding, NMS included), ties broken by file name, then sorted by name like a drawn set.
 *
 * <p>Why: with 64 images drawn from a pool of a few hundred, the calibration statistics (GPTQ's Hessians,
 * reconstruction targets, sensitivity scores) depend on how many objects the draw happens to hold: on the shared
 * COCO pool a draw averages 4.7 confident detections per image and GPTQ's W4A8 files of YOLOX-Nano move by 1.8 AP
 * with the seed. The densest images hold 2.5 times more objects per image (more positions where the head's boxes
 * and scores are exercised) and are the same whatever the seed when the pool is the whole folder, so the seed is
 * left with the methods' own sampling (docs/experiments.md, "Which 64 calibration images"). It costs one float
 * pass over the pool. The labels are never read; the choice is the model's own.
 */
public final class DenseSelection {
    /** The pool is at most this many times the images asked for, drawn by the seed. */
    public static final int POOL_FACTOR = 8;
    /** A detection counts from this score on. */
    public static final double MIN_SCORE = Detection.CONFIDENT_SCORE;

    private DenseSelection() {
    }

    /**
     * The {@code count} densest images of the folder's pool.
     *
     * @param floatEngine an engine of the float model that {@code spec} describes
     * @param batch       images per engine batch
     */
    public static CalibrationSet choose(GraphExecutor floatEngine, DetectorSpec spec, Path folder, int count,
            long seed, int batch) {
        List<Path> pool = CalibrationSet.draw(folder, (int) Math.min(Integer.MAX_VALUE, (long) count * POOL_FACTOR),
                seed);
        if (pool.size() <= count) {
            return CalibrationSet.of(pool, seed);
        }
        int[] detections = confidentDetections(floatEngine, spec, pool, batch);
        return CalibrationSet.of(ranked(detections, pool).subList(0, count).stream().map(pool::get).sorted()
                .toList(), seed);
    }

    /** Per file, the float model's detections scoring at least {@link #MIN_SCORE}. */
    static int[] confidentDetections(GraphExecutor floatEngine, DetectorSpec spec, List<Path> files,
            int batch) {
        int[] counts = new int[files.size()];
        for (int s = 0; s < files.size(); s += batch) {
            int end = Math.min(files.size(), s + batch);
            List<PreparedImage> images = files.subList(s, end).stream().map(spec.preprocessor()::prepare).toList();
            List<Long> ids = LongStream.range(s, end).boxed().toList();
            List<List<Detection>> found = spec.decoder().decode(floatEngine.run(Preprocessor.stack(images)),
                    images, ids);
            for (int k = 0; k < found.size(); k++) {
                counts[s + k] = (int) found.get(k).stream().filter(d -> d.score() >= MIN_SCORE).count();
            }
        }
        return counts;
    }

    /** Indices of {@code files} by decreasing {@code detections}, ties by file name. */
    static List<Integer> ranked(int[] detections, List<Path> files) {
        return IntStream.range(0, files.size()).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> -detections[i]).thenComparing(files::get)).toList();
    }
}
