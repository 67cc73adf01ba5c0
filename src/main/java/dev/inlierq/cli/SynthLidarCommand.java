package dev.inlierq.cli;

import dev.inlierq.api.OutputGuard;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.lidar.LidarDataset;
import dev.inlierq.lidar.LidarResult;
import dev.inlierq.lidar.LidarSplitSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inlierq synth-lidar}: writes the synthetic LiDAR benchmark (BEV images and COCO annotations). */
@Command(name = "synth-lidar", mixinStandardHelpOptions = true,
        description = "Generate the synthetic LiDAR benchmark: simulated LiDAR sweeps of street scenes as "
                + "bird's-eye-view PNG images (R density, G height, B intensity) in train/ and val/, with COCO "
                + "annotations (instances_train.json, instances_val.json); the same bytes for the same seed.")
final class SynthLidarCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output folder: new, empty, or an earlier "
            + "synth-lidar run with the same settings (left as it is when complete).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--train", defaultValue = "2000", description = "Training scenes. Default: ${DEFAULT-VALUE}.")
    int train;

    @Option(names = "--val", defaultValue = "300", description = "Validation scenes. Default: ${DEFAULT-VALUE}.")
    int val;

    @Option(names = "--cells", defaultValue = "320", description = "Side of the BEV map in cells (= pixels), a "
            + "multiple of 32 from 64 to 1024. Default: ${DEFAULT-VALUE}.")
    int cells;

    @Option(names = "--cell-size", defaultValue = "0.25", description = "Side of a cell in metres, 0.05 to 2 "
            + "(the map covers +-cells*size/2 around the sensor). Default: ${DEFAULT-VALUE}.")
    double cellSize;

    @Option(names = "--beams", defaultValue = "32", description = "Laser beams, 2 to 256, spread evenly from -25 "
            + "to +3 degrees. Default: ${DEFAULT-VALUE}.")
    int beams;

    @Option(names = "--points", description = "Also write each sweep as points/SPLIT/NNNNNN.bin (float32 x, y, z, "
            + "intensity, KITTI's layout).")
    boolean points;

    @Option(names = "--no-distractors", description = "Place no unlabelled clutter (buildings, poles, trees, walls, "
            + "bushes, bins).")
    boolean noDistractors;

    @Option(names = "--threads", description = "Worker threads (the output does not depend on it). Default: the "
            + "number of processors.")
    Integer threads;

    @Override
    public Integer call() {
        LidarConfig config = config();
        OutputGuard.checkFolder("--out", out);
        PrintWriter stdout = spec.commandLine().getOut();
        LidarResult result;
        try (me.tongfei.progressbar.ProgressBar bar = Cli.progressBar("synth-lidar", (long) train + val)) {
            result = LidarDataset.generate(config, out, (split, done, total) -> bar.step());
        }
        for (LidarSplitSummary s : result.splits()) {
            stdout.printf(Locale.ROOT, "%-5s %7d scenes %8d boxes (%.2f per scene), %.0f points per scene, "
                    + "%d objects with too few points to label%n", s.split().folderName(), s.scenes(), s.boxes(),
                    s.boxesPerScene(), s.meanPoints(), s.hidden());
        }
        stdout.println(result.reused() ? out + " already holds this generation; nothing written"
                : String.format(Locale.ROOT, "wrote %s in %.1f s (%d threads)", out, result.seconds(),
                        config.threads()));
        return 0;
    }

    /** The settings; a value out of range is one usage line naming its option. */
    private LidarConfig config() {
        LidarConfig.Builder b = LidarConfig.builder().seed(seed).distractors(!noDistractors).pointsOut(points);
        option("--train", train, () -> b.trainScenes(train));
        option("--val", val, () -> b.valScenes(val));
        option("--cells", cells, () -> b.cells(cells));
        option("--cell-size", cellSize, () -> b.cellSize(cellSize));
        option("--beams", beams, () -> b.beams(beams));
        if (threads != null) {
            option("--threads", threads, () -> b.threads(threads));
        }
        if (train + val == 0) {
            throw new UserError(ExitCode.USAGE, "--train and --val are both 0: nothing to generate");
        }
        return b.build();
    }

    private static void option(String name, Object value, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, name + " " + value + " is out of range: " + e.getMessage());
        }
    }
}
