package dev.inlierq.cli;

import dev.inlierq.detect.NmsMode;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.lidar.LidarConfig;
import dev.inlierq.train.Architecture;
import dev.inlierq.train.Augmentation;
import dev.inlierq.train.LidarScenes;
import dev.inlierq.train.LossOptions;
import dev.inlierq.train.ModelFiles;
import dev.inlierq.train.Scenes;
import dev.inlierq.train.Trainer;
import dev.inlierq.train.TrainingOptions;
import dev.inlierq.train.TrainingScenes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inlierq train}: trains the project's CenterNet-style detector on the synthetic benchmark. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a small CenterNet-style detector on the synthetic shapes benchmark (rendered on the "
                + "fly) and write it as ONNX with its detector spec. The same seed and settings give the same "
                + "model on the same machine.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "The ONNX model to write (must not exist).")
    Path out;

    @Option(names = "--spec-out", description = "Its detector spec (YAML; must not exist). Default: --out with .yaml.")
    Path specOut;

    @Option(names = "--json", description = "Also write the training log (settings, losses, seconds) as JSON.")
    Path json;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights and the training stream. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--steps", defaultValue = "2600", description = "Optimiser steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--size", defaultValue = "320", description = "Input side, a multiple of 32 (64-1024). "
            + "Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--lr", defaultValue = "4e-3", description = "Peak learning rate (Adam). Default: "
            + "${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup", defaultValue = "200", description = "Warm-up steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--classes", description = "Classes (the benchmark's first N). Default: all of the --data "
            + "benchmark's (8 shapes, 4 LiDAR classes).")
    Integer classes;

    @Option(names = "--data", defaultValue = "shapes", description = "Training scenes: shapes (the synthetic shapes "
            + "benchmark, inlierq synth) or lidar (bird's-eye-view maps of the synthetic LiDAR benchmark, inlierq "
            + "synth-lidar, at --size cells; flips as the only augmentation). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--yaw", description = "With --data lidar: add a heading output (yaw: the sine and cosine of "
            + "each box's heading at its centre, CenterPoint's rotation head, trained by an L1 loss; pedestrians get "
            + "no heading target) and name it in the spec.")
    boolean yaw;

    @Option(names = "--box3d", description = "With --data lidar: add CenterPoint's 3D box outputs (dim: ln length "
            + "and ln width of the footprint in input pixels and ln height in metres; z: the box centre's height in "
            + "metres; at each box's centre, trained by L1 losses) and name them in the spec. Implies --yaw (the "
            + "length and width are along and across the heading).")
    boolean box3d;

    @Option(names = "--widths", split = ",", description = "Stem and four stage widths, e.g. 16,24,48,96,128.")
    List<Integer> widths;

    @Option(names = "--depths", split = ",", description = "Residual blocks of the four stages, e.g. 1,2,2,1.")
    List<Integer> depths;

    @Option(names = "--neck", description = "Neck and head width. Default: 32.")
    Integer neck;

    @Option(names = "--nms", defaultValue = "none", description = "Spec's NMS: none (CenterNet's peaks) or "
            + "class_aware. Default: ${DEFAULT-VALUE}.")
    String nms;

    @Option(names = "--box-loss", defaultValue = "centernet", description = "Box loss: centernet (L1 on size "
            + "and offset at each centre) or giou (TTFNet's dense GIoU loss around each centre). Default: "
            + "${DEFAULT-VALUE}.")
    String boxLoss;

    @Option(names = "--box-weight", defaultValue = "5", description = "Weight of the GIoU loss (with --box-loss "
            + "giou). Default: ${DEFAULT-VALUE}.")
    double boxWeight;

    @Option(names = "--heatmap", defaultValue = "centernet", description = "Heatmap Gaussian per object: "
            + "centernet (round, CenterNet's radius rule) or ttf (TTFNet's ellipse, 0.54 x the box). Default: "
            + "${DEFAULT-VALUE}.")
    String heatmap;

    @Option(names = "--norm", defaultValue = "none", description = "Normalisation: none (Fixup-style "
            + "initialisation) or bn (batch normalisation while training, folded into the convolutions in the "
            + "written model). Default: ${DEFAULT-VALUE}.")
    String norm;

    @Option(names = "--ema", defaultValue = "0", description = "Write the exponential moving average of the "
            + "weights with this decay (e.g. 0.995) instead of the last step's; 0 for none. Default: "
            + "${DEFAULT-VALUE}.")
    double ema;

    @Option(names = "--crop", defaultValue = "0", description = "Train on square windows of this side cut at random "
            + "places of the input (a multiple of 32 below --size): a step costs about (crop / size)^2 of the "
            + "compute, the objects keep their scale, the model is written at --size. 0 for the whole input. "
            + "Default: ${DEFAULT-VALUE}.")
    int crop;

    @Option(names = "--no-augment", description = "Train on the images as rendered (no flips, colour or JPEG).")
    boolean noAugment;

    @Option(names = "--workers", defaultValue = "1", description = "Threads rendering images ahead. Default: "
            + "${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--objects", split = ",", description = "Labelled objects per training scene, MIN,MAX (1-40): "
            + "denser scenes supervise more objects per step. Default: the benchmark's 3,10.")
    List<Integer> objects;

    @Option(names = "--object-size", split = ",", paramLabel = "MIN,MAX", description = "Long sides of the training "
            + "scenes' objects in pixels of a 320-pixel scene, log-uniform from MIN to MAX (4 <= MIN <= MAX <= 320): "
            + "a wider range than the test's teaches the sizes a model run at a larger --export-size meets. "
            + "Default: the benchmark's 12,120.")
    List<Double> objectSize;

    @Option(names = "--export-size", defaultValue = "0", description = "Input side of the written model and its "
            + "spec (a multiple of 32): the trained weights run on inputs stretched to it, so small objects cover "
            + "more cells. 0 (default) for --size.")
    int exportSize;

    @Option(names = "--minutes", description = "Stop after this many minutes (exploring only: the schedule "
            + "still assumes --steps, so the result is not the documented model).")
    Double minutes;

    @Override
    public Integer call() {
        TrainingOptions o = options();
        ModelFiles.Targets targets = new ModelFiles.Targets(out, specOut != null ? specOut : defaultSpec(out), json);
        ModelFiles.checkNew(targets);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        DjlRuntime.engine();
        long[] lastPrint = {System.nanoTime()};
        Trainer.Result r = Trainer.train(o, (step, total, loss, ips) -> {
            long now = System.nanoTime();
            if (step == total || step == 1 || now - lastPrint[0] > 10_000_000_000L) {
                lastPrint[0] = now;
                double eta = (total - step) * (double) o.batch() / ips;
                err.printf(Locale.ROOT, "step %d/%d  loss %.4f  %.1f img/s  ETA %s%n", step, total, loss, ips,
                        duration(eta));
                err.flush();
            }
        });
        String command = "inlierq " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        ModelFiles.write(r, o, export(), targets, command);
        double ips = r.steps() * (double) o.batch() / r.seconds();
        stdout.printf(Locale.ROOT, "wrote %s (%.2f MB), %s%s: %d steps in %.1f s (%.1f img/s), final loss %.4f%n",
                out, fileSize(out) / 1e6, targets.spec(), json != null ? ", " + json : "", r.steps(), r.seconds(),
                ips, r.log().isEmpty() ? Double.NaN : r.log().get(r.log().size() - 1).loss());
        return 0;
    }

    private TrainingOptions options() {
        Cli.atLeast("--steps", steps, 1);
        Cli.atLeast("--batch", batch, 1);
        Cli.atLeast("--workers", workers, 1);
        Cli.atLeast("--warmup", warmup, 0);
        TrainingScenes scenes = scenes();
        int numClasses = classes != null ? classes : scenes.maxClasses();
        if (numClasses < 1 || numClasses > scenes.maxClasses()) {
            throw new UserError(ExitCode.USAGE, "--classes must be 1 to " + scenes.maxClasses() + " with --data "
                    + data + ", got " + numClasses);
        }
        if (!(ema >= 0 && ema < 1)) {
            throw new UserError(ExitCode.USAGE, "--ema must be in [0, 1), got " + ema);
        }
        if (!(lr > 0 && lr < 1)) {
            throw new UserError(ExitCode.USAGE, "--lr must be in (0, 1), got " + lr);
        }
        if (minutes != null && !(minutes > 0)) {
            throw new UserError(ExitCode.USAGE, "--minutes must be positive, got " + minutes);
        }
        export();
        usage(!box3d || scenes.boxes3d(), "--box3d needs --data lidar (the " + data + " scenes have no 3D boxes)");
        usage(!yaw || scenes.headings(), "--yaw needs --data lidar (the " + data + " scenes have no headings)");
        Architecture.Norm normalisation = switch (norm.toLowerCase(Locale.ROOT)) {
            case "none" -> Architecture.Norm.NONE;
            case "bn" -> Architecture.Norm.BN;
            default -> throw new UserError(ExitCode.USAGE, "--norm " + norm + ": expected none or bn");
        };
        Architecture.Builder a = Architecture.builder().inputSize(size).numClasses(numClasses).yaw(yaw || box3d)
                .box3d(box3d).norm(normalisation);
        if (widths != null) {
            usage(widths.size() == 5 && widths.stream().allMatch(w -> w >= 1 && w <= 1024),
                    "--widths needs 5 values in 1..1024 (stem and four stages)");
            a.stemWidth(widths.get(0)).widths(widths.subList(1, 5).stream().mapToInt(Integer::intValue).toArray());
        }
        if (depths != null) {
            usage(depths.size() == 4 && depths.stream().allMatch(d -> d >= 0 && d <= 16),
                    "--depths needs 4 values in 0..16");
            a.depths(depths.stream().mapToInt(Integer::intValue).toArray());
        }
        if (neck != null) {
            usage(neck >= 1 && neck <= 1024, "--neck must be 1 to 1024");
            a.neckWidth(neck).headWidth(neck);
        }
        usage(crop == 0 || crop >= 64 && crop < size && crop % 32 == 0,
                "--crop must be 0 or a multiple of 32 from 64 to below --size (" + size + "), got " + crop);
        Architecture arch;
        try {
            arch = a.build();
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, "--size: " + e.getMessage());
        }
        return TrainingOptions.builder().architecture(arch).seed(seed).steps(steps).batch(batch).lr(lr)
                .warmup(warmup).emaDecay(ema).loss(loss())
                .augmentation(augmentation(scenes).withCrop(crop))
                .dataWorkers(workers).scenes(scenes).maxSeconds(minutes == null ? 0 : minutes * 60)
                .build();
    }

    private ModelFiles.Export export() {
        try {
            return new ModelFiles.Export(nmsMode(), exportSize);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, "--export-size: " + e.getMessage() + " (or 0 for --size)");
        }
    }

    /** The shapes' augmentation, or on LiDAR maps flips alone (their channels are measurements, not colours). */
    private Augmentation augmentation(TrainingScenes scenes) {
        if (noAugment) {
            return Augmentation.NONE;
        }
        return scenes instanceof LidarScenes ? Augmentation.FLIPS : Augmentation.DEFAULT;
    }

    private TrainingScenes scenes() {
        switch (data.toLowerCase(Locale.ROOT)) {
            case "shapes" -> {
                return shapeScenes();
            }
            case "lidar" -> {
                usage(objects == null && objectSize == null, "--objects and --object-size are for --data shapes");
                try {
                    return new LidarScenes(LidarConfig.builder().cells(size).build());
                } catch (IllegalArgumentException e) {
                    throw new UserError(ExitCode.USAGE, "--size with --data lidar: " + e.getMessage());
                }
            }
            default -> throw new UserError(ExitCode.USAGE, "--data " + data + ": expected shapes or lidar");
        }
    }

    private Scenes shapeScenes() {
        Scenes scenes = Scenes.DEFAULT;
        if (objects != null) {
            usage(objects.size() == 2, "--objects needs MIN,MAX, got " + objects.size() + " values");
            try {
                scenes = new Scenes(scenes.seed(), objects.get(0), objects.get(1));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCode.USAGE, "--objects: " + e.getMessage());
            }
        }
        if (objectSize != null) {
            usage(objectSize.size() == 2, "--object-size needs MIN,MAX, got " + objectSize.size() + " values");
            try {
                scenes = scenes.withLengths(objectSize.get(0), objectSize.get(1));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCode.USAGE, "--object-size: " + e.getMessage());
            }
        }
        return scenes;
    }

    private LossOptions loss() {
        LossOptions.Box box = switch (boxLoss.toLowerCase(Locale.ROOT)) {
            case "centernet" -> LossOptions.Box.CENTERNET;
            case "giou" -> LossOptions.Box.GIOU;
            default -> throw new UserError(ExitCode.USAGE, "--box-loss " + boxLoss + ": expected centernet or giou");
        };
        LossOptions.Heatmap heat = switch (heatmap.toLowerCase(Locale.ROOT)) {
            case "centernet" -> LossOptions.Heatmap.CENTERNET;
            case "ttf" -> LossOptions.Heatmap.TTF;
            default -> throw new UserError(ExitCode.USAGE, "--heatmap " + heatmap + ": expected centernet or ttf");
        };
        usage(boxWeight > 0 && boxWeight < 1000, "--box-weight must be in (0, 1000), got " + boxWeight);
        return new LossOptions(box, boxWeight, heat);
    }

    private NmsMode nmsMode() {
        return switch (nms.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "none" -> NmsMode.NONE;
            case "class_aware" -> NmsMode.CLASS_AWARE;
            default -> throw new UserError(ExitCode.USAGE, "--nms " + nms + ": expected none or class_aware");
        };
    }

    private static void usage(boolean ok, String message) {
        if (!ok) {
            throw new UserError(ExitCode.USAGE, message);
        }
    }

    static Path defaultSpec(Path model) {
        String name = model.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(base + ".yaml");
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
