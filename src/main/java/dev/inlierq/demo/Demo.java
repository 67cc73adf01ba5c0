package dev.inlierq.demo;

import dev.inlierq.api.OutputGuard;
import dev.inlierq.api.Quantization;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.htmlreport.CpuFeatures;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.synth.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code inlierq demo}: the whole tool on its own detector and data, with nothing to download. The synthetic
 * validation images and calibration images ({@link DemoData}, cached), the float model evaluated, quantized to
 * W8A8 with the default recipe and to W4A8 with InlierQ at a small budget ({@link DemoRuns}), both files
 * evaluated and timed with ONNX Runtime, an HTML report per file, and a {@link DemoResult} with the summary table
 * and the JSON document. The model is the one bundled with the tool ({@link BundledModel}) or the user's. The
 * data is the synthetic shapes benchmark or, with {@link DemoBenchmark#LIDAR}, the bird's-eye-view maps of the
 * synthetic LiDAR benchmark, where every evaluation also scores the nuScenes centre-distance mAP.
 *
 * <p>Outputs follow {@link DemoOutputs}' rule (checked before any work, along with the JSON file): a user's file
 * is never overwritten. Every random choice follows {@link DemoConfig#seed()}.
 */
public final class Demo {
    private Demo() {
    }

    /**
     * Progress of a run: the phases as they begin, progress inside a phase, a one-line result per phase, and the
     * quantization's own progress. Called on the demo's thread.
     */
    public interface Listener {
        /** Phase {@code index} (1-based) of {@code count} begins. */
        void phase(int index, int count, String label);

        /** Progress inside the current phase: {@code done} of {@code total} (images); total -1 when unknown. */
        default void progress(long done, long total) {
        }

        /** The current phase's outcome in one line ("AP 61.52, AP50 84.10 on 300 images in 9.1 s"). */
        default void result(String line) {
        }

        /** Receives the quantization phases' own progress (calibration, reconstruction units). */
        default Quantization.Listener quantization() {
            return images -> { };
        }

        /** A listener that ignores everything. */
        Listener NONE = (index, count, label) -> { };
    }

    /** The model that runs: its file, its spec, and the name the output files start with. */
    record Model(Path onnx, DetectorSpec spec, String name) {
    }

    /**
     * Runs the demo (see the class comment) and writes its outputs, and the JSON document when
     * {@link DemoConfig#json()} is set.
     *
     * @throws UserError {@link ExitCode#MISSING_RESOURCE} when no model is given and the bundled one is not in
     *                   this build; {@link ExitCode#OUTPUT_CONFLICT} when an output may not be written; the library's
     *                   codes for a bad model, spec or image
     */
    public static DemoResult run(DemoConfig c, Listener listener) {
        long t0 = System.nanoTime();
        String name = c.model() != null ? stem(c.model()) : stem(Path.of(c.bundled().onnxResource()));
        List<DemoRuns.Plan> plans = DemoRuns.plans();
        DemoOutputs outputs = checkOutputs(c, name, plans);
        Phases phases = new Phases(listener, c.reports() ? 9 : 8);
        Model model = model(c, phases);
        phases.next(String.format(Locale.ROOT, "%s: %d synthetic val + %d calibration (train split), seed %d",
                c.data() == DemoBenchmark.LIDAR ? "LiDAR BEV maps" : "images", c.valImages(), c.calibImages(),
                c.seed()));
        DemoData.Prepared data = DemoData.prepare(DemoSource.of(c.data(), c.valImages(), c.calibImages(), c.seed(),
                c.threads()), c.cache(), (split, done, total) -> listener.progress(
                        split == Split.TRAIN ? done : c.calibImages() + done, c.calibImages() + c.valImages()));
        listener.result(data.reused() ? "reused " + data.folder() : String.format(Locale.ROOT,
                "generated %s in %.1f s", data.folder(), data.seconds()));
        DemoRuns runs = new DemoRuns(c, model, data, outputs, phases);
        DemoRuns.Measured floatRun = runs.evaluateFloat();
        List<DemoRuns.Done> done = new ArrayList<>();
        for (DemoRuns.Plan p : plans) {
            done.add(runs.quantizeAndEvaluate(p));
        }
        DemoRuns.Latencies latency = runs.latency(done);
        List<DemoResult.Run> results = runs.reports(floatRun, done, latency);
        var images = new DemoResult.Data(c.data(), data.folder(), data.reused(), c.valImages(), c.calibImages());
        var setup = new DemoResult.Setup(name, model.onnx(), model.spec().name(), c.seed(), images, c.threads(),
                c.latencyRuns());
        DemoResult result = new DemoResult(setup, floatRun.with(latency.floatMs()), results, CpuFeatures.host().model(),
                (System.nanoTime() - t0) / 1e9);
        if (c.json() != null) {
            JsonFiles.write(c.json(), result.json());
        }
        return result;
    }

    /** The output folder and the JSON file, checked before any work. */
    private static DemoOutputs checkOutputs(DemoConfig c, String name, List<DemoRuns.Plan> plans) {
        List<String> names = new ArrayList<>();
        for (DemoRuns.Plan p : plans) {
            names.add(p.fileName(name));
            if (c.reports()) {
                names.add(p.reportName(name));
            }
        }
        Path[] inputs = c.model() == null ? new Path[0] : new Path[] {c.model()};
        if (c.model() != null && !Files.isRegularFile(c.model())) {
            throw new UserError(ExitCode.MISSING_INPUT, "--model " + c.model() + ": model file not found");
        }
        if (c.model() == null) {
            c.bundled().check();
        }
        OutputGuard.checkFolder("--cache", c.cache(), inputs);
        DemoOutputs outputs = DemoOutputs.open(c.out(), names, inputs);
        if (c.json() != null) {
            OutputGuard.checkFile("--json", c.json(), inputs);
            Path json = c.json().toAbsolutePath().normalize();
            List<String> taken = new ArrayList<>(names);
            taken.add(DemoOutputs.MANIFEST);
            for (String n : taken) {
                if (json.equals(outputs.file(n).toAbsolutePath().normalize())) {
                    throw new UserError(ExitCode.OUTPUT_CONFLICT, "--json " + c.json() + ": the demo writes " + n
                            + " there itself; give the JSON file another name");
                }
            }
        }
        return outputs;
    }

    /** Phase 1: the bundled model copied to the cache, or the user's model and spec. */
    private static Model model(DemoConfig c, Phases phases) {
        if (c.model() != null) {
            phases.next("model: " + c.model() + ", spec " + c.spec());
            DetectorSpec spec = DetectorSpecs.resolve(c.spec());
            return new Model(c.model(), spec, stem(c.model()));
        }
        phases.next("model: the bundled demo detector (" + c.bundled().onnxResource() + ")");
        BundledModel.Loaded m = c.bundled().load(c.cache());
        phases.listener().result("copied to " + m.onnx());
        return new Model(m.onnx(), m.spec(), m.name());
    }

    /** A file's name without its extension. */
    static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Numbers the phases for the listener. */
    static final class Phases {
        private final Listener listener;
        private final int count;
        private int index;

        Phases(Listener listener, int count) {
            this.listener = listener;
            this.count = count;
        }

        void next(String label) {
            listener.phase(++index, count, label);
        }

        Listener listener() {
            return listener;
        }
    }
}
