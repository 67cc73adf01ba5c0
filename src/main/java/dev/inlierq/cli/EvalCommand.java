package dev.inlierq.cli;

import dev.inlierq.api.EngineKind;
import dev.inlierq.api.Evaluation;
import dev.inlierq.api.OutputGuard;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.eval.CocoResults;
import dev.inlierq.report.JsonFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inlierq eval}: COCO bbox metrics of a detector on a folder of images. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a detector on COCO images (pycocotools bbox metrics).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX model file (float or QDQ).")
    Path model;

    @Option(names = "--spec", required = true, description = "Built-in spec (yolox, picodet, fastestdet) or a spec file.")
    String detectorSpec;

    @Option(names = "--images", required = true, description = "Folder of images.")
    Path images;

    @Option(names = "--annotations", required = true, description = "COCO instances JSON for those images.")
    Path annotations;

    @Option(names = "--engine", defaultValue = "ort", converter = Cli.EngineConverter.class,
            description = "ort or djl. Default: ${DEFAULT-VALUE}.")
    EngineKind engine;

    @Option(names = "--batch", defaultValue = "8", description = "Images per run. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N images (0 = all).")
    int limit;

    @Option(names = "--json", description = "Write the metrics as JSON.")
    Path json;

    @Option(names = "--detections", description = "Write the detections as a COCO results JSON.")
    Path detections;

    @Override
    public Integer call() {
        Cli.atLeast("--batch", batch, 1);
        Cli.atLeast("--threads", threads, 1);
        Cli.atLeast("--limit", limit, 0);
        Cli.modelFile("--model", model);
        OutputGuard.checkFile("--json", json, model, images, annotations);
        OutputGuard.checkFile("--detections", detections, model, images, annotations);
        if (json != null && detections != null && json.toAbsolutePath().normalize().equals(detections.toAbsolutePath().normalize())) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json and --detections must differ");
        }
        DetectorSpec ds = DetectorSpecs.resolve(detectorSpec);
        Evaluation.Options opts = new Evaluation.Options(model, ds, images, annotations, engine, batch, threads, limit);
        Evaluation.Result r;
        try (ProgressBar pb = Cli.progressBar("eval " + engine.cliName(), -1)) {
            r = Evaluation.run(opts, new Evaluation.Listener() {
                @Override
                public void total(int images) {
                    pb.maxHint(images);
                }

                @Override
                public void done(int images) {
                    pb.stepTo(images);
                }
            });
        }
        var out = spec.commandLine().getOut();
        if (!r.skipped().isEmpty()) {
            spec.commandLine().getErr().println("note: skipped " + r.skipped().size()
                    + " file(s) that are not images or not in the annotation file (first: " + r.skipped().get(0).getFileName() + ")");
        }
        out.print(r.metrics().summaryText());
        out.printf("images: %d, engine: %s, seconds: %.1f%n", r.images(), r.engine(), r.seconds());
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>(r.metrics().toJsonMap());
            m.put("images", r.images());
            m.put("seconds", r.seconds());
            m.put("engine", r.engine());
            m.put("model", model.toString());
            m.put("spec", ds.name());
            JsonFiles.write(json, m);
        }
        if (detections != null) {
            CocoResults.write(detections, r.detections());
        }
        return 0;
    }
}
