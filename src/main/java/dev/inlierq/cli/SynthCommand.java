package dev.inlierq.cli;

import dev.inlierq.api.OutputGuard;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.synth.ImageFormat;
import dev.inlierq.synth.SplitSummary;
import dev.inlierq.synth.SynthClass;
import dev.inlierq.synth.SynthConfig;
import dev.inlierq.synth.SynthDataset;
import dev.inlierq.synth.SynthResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inlierq synth}: writes the synthetic detection benchmark (images and COCO annotations). */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate the synthetic shapes detection benchmark: train/ and val/ images with COCO "
                + "annotations (instances_train.json, instances_val.json), the same bytes for the same seed.")
final class SynthCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output folder: new, empty, or an earlier synth run "
            + "with the same settings (left as it is when complete).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--train", defaultValue = "3000", description = "Training images. Default: ${DEFAULT-VALUE}.")
    int train;

    @Option(names = "--val", defaultValue = "300", description = "Validation images. Default: ${DEFAULT-VALUE}.")
    int val;

    @Option(names = "--size", defaultValue = "320", description = "Image width and height in pixels (64-2048). "
            + "Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--classes", split = ",", description = "Labelled classes, comma-separated, in category-id "
            + "order. Default: all of circle, ring, triangle, square, star, cross, striped_ellipse, arrow.")
    List<String> classes;

    @Option(names = "--no-distractors", description = "Draw no unlabelled distractor shapes.")
    boolean noDistractors;

    @Option(names = "--noise", defaultValue = "1", description = "Strength of lighting change, blur and noise "
            + "(0 = clean, up to 2). Default: ${DEFAULT-VALUE}.")
    double noise;

    @Option(names = "--object-size", split = ",", paramLabel = "MIN,MAX", description = "Shortest and longest "
            + "long side of an object in pixels of a 320-pixel image (scaled with --size), log-uniform between them, "
            + "4 <= MIN <= MAX <= 320. Default: 12,120.")
    List<Double> objectSize;

    @Option(names = "--format", defaultValue = "jpg", description = "Image format: jpg or png. Default: "
            + "${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--threads", description = "Worker threads (the output does not depend on it). Default: the "
            + "number of processors.")
    Integer threads;

    @Override
    public Integer call() {
        SynthConfig config = config();
        OutputGuard.checkFolder("--out", out);
        PrintWriter stdout = spec.commandLine().getOut();
        SynthResult result;
        try (me.tongfei.progressbar.ProgressBar bar = Cli.progressBar("synth", (long) train + val)) {
            result = SynthDataset.generate(config, out, (split, done, total) -> bar.step());
        }
        for (SplitSummary s : result.splits()) {
            stdout.printf(Locale.ROOT, "%-5s %7d images %8d boxes (%.2f per image), %d objects too hidden to label%n",
                    s.split().folderName(), s.images(), s.boxes(), s.boxesPerImage(), s.hidden());
        }
        if (result.reused()) {
            stdout.println(out + " already holds this generation; nothing written");
        } else {
            stdout.printf(Locale.ROOT, "wrote %s in %.1f s (%d threads)%n", out, result.seconds(), config.threads());
        }
        return 0;
    }

    private SynthConfig config() {
        Cli.atLeast("--train", train, 0);
        Cli.atLeast("--val", val, 0);
        atMost("--train", train, SynthConfig.MAX_IMAGES);
        atMost("--val", val, SynthConfig.MAX_IMAGES);
        if (train + val == 0) {
            throw new UserError(ExitCode.USAGE, "--train and --val are both 0: nothing to generate");
        }
        if (size < 64 || size > 2048) {
            throw new UserError(ExitCode.USAGE, "--size " + size + " is out of range: expected 64 to 2048 pixels");
        }
        if (!(noise >= 0 && noise <= 2)) {
            throw new UserError(ExitCode.USAGE, "--noise " + noise + " is out of range: expected 0 to 2");
        }
        if (threads != null) {
            Cli.atLeast("--threads", threads, 1);
        }
        double[] lengths = objectLengths();
        SynthConfig.Builder b = SynthConfig.builder().seed(seed).trainImages(train).valImages(val).imageSize(size)
                .distractors(!noDistractors).noiseLevel(noise).objectLengths(lengths[0], lengths[1]).format(format());
        if (classes != null) {
            List<SynthClass> chosen = classes.stream().map(c -> {
                try {
                    return SynthClass.byName(c);
                } catch (UserError e) {
                    throw new UserError(ExitCode.USAGE, "--classes: " + e.getMessage());
                }
            }).toList();
            if (chosen.stream().distinct().count() != chosen.size()) {
                throw new UserError(ExitCode.USAGE, "--classes lists a class twice: "
                        + chosen.stream().map(SynthClass::cocoName).collect(Collectors.joining(",")));
            }
            b.classes(chosen);
        }
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }

    private ImageFormat format() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "jpg", "jpeg" -> ImageFormat.JPEG;
            case "png" -> ImageFormat.PNG;
            default -> throw new UserError(ExitCode.USAGE, "--format " + format + " is not supported: expected jpg "
                    + "or png");
        };
    }

    private double[] objectLengths() {
        if (objectSize == null) {
            return new double[] {SynthConfig.DEFAULT_MIN_LENGTH, SynthConfig.DEFAULT_MAX_LENGTH};
        }
        if (objectSize.size() != 2) {
            throw new UserError(ExitCode.USAGE, "--object-size takes two numbers, MIN,MAX; got " + objectSize);
        }
        double min = objectSize.get(0);
        double max = objectSize.get(1);
        try {
            SynthConfig.Builder.checkLengths(min, max);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, "--object-size " + min + "," + max
                    + " is out of range: expected 4 <= MIN <= MAX <= 320");
        }
        return new double[] {min, max};
    }

    private static void atMost(String option, int value, int max) {
        if (value > max) {
            throw new UserError(ExitCode.USAGE, option + " must be at most " + max + ", got " + value);
        }
    }
}
