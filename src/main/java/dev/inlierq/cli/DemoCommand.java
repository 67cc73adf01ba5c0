package dev.inlierq.cli;

import dev.inlierq.api.Quantization;
import dev.inlierq.demo.Demo;
import dev.inlierq.demo.DemoBenchmark;
import dev.inlierq.demo.DemoConfig;
import dev.inlierq.demo.DemoResult;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inlierq demo}: the tool end to end on its bundled detector and synthetic images ({@link Demo}), or with
 * {@code --data lidar} on its bird's-eye-view detector and synthetic LiDAR maps; phases and the summary table on
 * stdout, progress on stderr.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole tool on its own detector and synthetic images, nothing to download: evaluate "
                + "the float model, quantize it to W8A8 (default recipe) and W4A8 (InlierQ, small budget), evaluate "
                + "and time both files, write them with HTML reports to --out and print a summary table. With --data "
                + "lidar, the same on the bundled bird's-eye-view detector and synthetic LiDAR maps, scored with the "
                + "nuScenes centre-distance mAP (BEV mAP) besides COCO AP.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = "shapes", paramLabel = "shapes|lidar", description = "The synthetic "
            + "benchmark: shapes (camera images, inlierq synth) or lidar (bird's-eye-view maps of inlierq synth-lidar, "
            + "with the bundled BEV detector; every evaluation also reports the centre-distance BEV mAP). Default: "
            + "${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--model", description = "Your own float ONNX model trained on the synthetic benchmark of --data "
            + "(with --spec; for lidar a BEV detector from train --data lidar). Default: the bundled demo detector.")
    Path model;

    @Option(names = "--spec", description = "Detector spec of --model: a built-in name or a spec file.")
    String detectorSpec;

    @Option(names = "--out", defaultValue = "inlierq-demo", description = "Folder of the quantized files and reports; "
            + "files the demo did not write are never overwritten. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--json", description = "Write the results as JSON (AP, and BEV mAP with --data "
            + "lidar, as fractions).")
    Path json;

    @Option(names = "--cache", description = "Folder for the synthetic images (or maps) and the copied model, reused "
            + "between runs. Default: $XDG_CACHE_HOME/inlierq/demo or ~/.cache/inlierq/demo.")
    Path cache;

    @Option(names = "--val", defaultValue = "" + DemoConfig.DEFAULT_VAL_IMAGES, description = "Synthetic validation "
            + "images (maps with --data lidar). Default: ${DEFAULT-VALUE}.")
    int val;

    @Option(names = "--calib", defaultValue = "" + DemoConfig.DEFAULT_CALIB_IMAGES, description = "Calibration images "
            + "(maps with --data lidar; synthetic train split). Default: ${DEFAULT-VALUE}.")
    int calib;

    @Option(names = "--iters", defaultValue = "" + DemoConfig.DEFAULT_ITERATIONS, description = "InlierQ's "
            + "optimisation steps per block (its budget; quantize's default is 50). Default: ${DEFAULT-VALUE}.")
    int iters;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the images and of every random choice. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--latency-runs", defaultValue = "" + DemoConfig.DEFAULT_LATENCY_RUNS, description = "Timed "
            + "ONNX Runtime runs per file (median reported). Default: ${DEFAULT-VALUE}.")
    int latencyRuns;

    @Option(names = "--no-report", description = "Write no HTML reports.")
    boolean noReport;

    @Override
    public Integer call() {
        DemoConfig config = config();
        PrintWriter w = spec.commandLine().getOut();
        DemoResult r;
        try (Progress progress = new Progress(w, spec.commandLine().getErr(), config)) {
            r = Demo.run(config, progress);
        }
        w.println();
        w.print(r.table());
        if (json != null) {
            w.println("wrote " + json);
        }
        w.printf(Locale.ROOT, "demo finished in %.1f s; files in %s%n", r.seconds(), out);
        return 0;
    }

    private DemoConfig config() {
        DemoBenchmark benchmark;
        try {
            benchmark = DemoBenchmark.parse(data);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, e.getMessage());
        }
        Cli.atLeast("--val", val, 1);
        Cli.atLeast("--calib", calib, 1);
        Cli.atLeast("--iters", iters, 0);
        Cli.atLeast("--threads", threads, 1);
        Cli.atLeast("--latency-runs", latencyRuns, 1);
        if ((model == null) != (detectorSpec == null)) {
            throw new UserError(ExitCode.USAGE, "--model and --spec go together (without both, the bundled demo "
                    + "detector of --data " + benchmark.cliName() + " runs)");
        }
        Cli.modelFile("--model", model);
        DemoConfig.Builder b = DemoConfig.builder().data(benchmark).out(out).json(json).valImages(val)
                .calibImages(calib).iterations(iters).seed(seed).threads(threads).latencyRuns(latencyRuns)
                .reports(!noReport);
        if (model != null) {
            b.model(model, detectorSpec);
        }
        if (cache != null) {
            b.cache(cache);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, e.getMessage());
        }
    }

    /**
     * The demo's phases as numbered lines on stdout with the time since the start, each phase's result indented
     * below; progress bars (a terminal only) and the quantization's progress ({@link QuantizeProgress}) on stderr.
     */
    private static final class Progress implements Demo.Listener, AutoCloseable {
        private static final String INDENT = "      ";
        private final PrintWriter out;
        private final PrintWriter err;
        private final DemoConfig config;
        private final long start = System.nanoTime();
        private ProgressBar bar;
        private QuantizeProgress quantize;

        Progress(PrintWriter out, PrintWriter err, DemoConfig config) {
            this.out = out;
            this.err = new PrintWriter(new Indenting(err, INDENT), true);
            this.config = config;
        }

        @Override
        public void phase(int index, int count, String label) {
            close();
            out.printf(Locale.ROOT, "[%d/%d %6.1f s] %s%n", index, count, (System.nanoTime() - start) / 1e9, label);
            out.flush();
        }

        @Override
        public void progress(long done, long total) {
            if (bar == null) {
                bar = Cli.progressBar("images", total);
            }
            if (total > 0) {
                bar.maxHint(total);
            }
            bar.stepTo(done);
        }

        @Override
        public void result(String line) {
            close();
            out.println(INDENT + line);
            out.flush();
        }

        @Override
        public Quantization.Listener quantization() {
            close();
            quantize = QuantizeProgress.open(config.calibImages(), config.iterations(), err);
            return quantize;
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
            if (quantize != null) {
                quantize.close();
                quantize = null;
            }
        }
    }

    /** Writes through to another writer with {@code prefix} at the start of every line. */
    private static final class Indenting extends Writer {
        private final PrintWriter target;
        private final String prefix;
        private boolean lineStart = true;

        Indenting(PrintWriter target, String prefix) {
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (lineStart) {
                    target.write(prefix);
                }
                target.write(buf[i]);
                lineStart = buf[i] == '\n';
            }
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            target.flush();
        }
    }
}
