package dev.inlierq.cli;

import dev.inlierq.api.OutputGuard;
import dev.inlierq.compare.Comparison;
import dev.inlierq.compare.ComparisonReport;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.report.JsonFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inlierq compare}: per-tensor error of a quantized model against its float model, both in ONNX Runtime. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Per-tensor error (SQNR, max and relative error, cosine) of a QDQ model against its float "
                + "model, both run by ONNX Runtime on the same images; worst tensors first.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--float", required = true, description = "Float ONNX model.")
    Path floatModel;

    @Option(names = "--quantized", required = true, description = "Quantized (QDQ) ONNX model made from it.")
    Path quantized;

    @Option(names = "--images", required = true, description = "Folder of images (labels are never read).")
    Path images;

    @Option(names = "--spec", description = "Built-in spec (yolox, picodet, fastestdet) or a spec file. Default: the "
            + "built-in spec named in the quantized model's metadata.")
    String detectorSpec;

    @Option(names = "--num-images", defaultValue = "" + Comparison.DEFAULT_IMAGES,
            description = "Images, chosen by --seed. Default: ${DEFAULT-VALUE}.")
    int numImages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed choosing the images. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--top", defaultValue = "20", description = "Worst tensors printed. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--json", description = "Write every tensor's row as JSON.")
    Path json;

    @Override
    public Integer call() {
        Cli.atLeast("--num-images", numImages, 1);
        Cli.atLeast("--top", top, 0);
        Cli.atLeast("--threads", threads, 1);
        Cli.modelFile("--float", floatModel);
        Cli.modelFile("--quantized", quantized);
        OutputGuard.checkFile("--json", json, floatModel, quantized, images);
        Comparison.Builder b = Comparison.Options.builder(floatModel, quantized, images).numImages(numImages)
                .seed(seed).threads(threads);
        if (detectorSpec != null) {
            b.spec(DetectorSpecs.resolve(detectorSpec));
        }
        Comparison.Options options = b.build();
        Comparison.Result r;
        try (ProgressBar pb = Cli.progressBar("compare", numImages)) {
            r = Comparison.run(options, pb::stepTo);
        }
        spec.commandLine().getOut().print(ComparisonReport.table(r, top));
        if (json != null) {
            JsonFiles.write(json, ComparisonReport.json(options, r));
        }
        return 0;
    }
}
