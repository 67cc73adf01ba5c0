package dev.inlierq.api;

import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.spec.SpecCheck;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.graph.GraphPreparer;
import dev.inlierq.graph.ValueInfo;
import dev.inlierq.onnx.OnnxReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link SpecCheck} (the spec against the model's input and output shapes) for every command before
 * any work: the model file is read and prepared at batch 1 (dynamic input sides set to the spec's), which
 * gives the static shape of every output.
 */
final class ModelCheck {
    private ModelCheck() {
    }

    /**
     * Checks the spec against a model file. A model with operators this tool does not implement (only ONNX
     * Runtime runs it) is left to the checks decoding makes on the first batch; one whose graph cannot be
     * prepared at the spec's size is checked against its declared output shapes (the engine reports why it
     * cannot run it).
     *
     * @throws UserError BAD_SPEC listing every problem
     */
    static void check(Path model, DetectorSpec spec) {
        Graph raw;
        try {
            raw = OnnxReader.read(model);
        } catch (UserError e) {
            if (e.exitCode() == ExitCode.UNSUPPORTED_OPS) {
                return; // ONNX Runtime may still run it; decoding checks the outputs on the first batch
            }
            throw e;
        }
        Graph prepared = raw;
        // the input the spec names, else the model's only input (to still check the outputs)
        ValueInfo input = raw.inputs().stream().filter(v -> v.name().equals(spec.input().name())).findFirst()
                .orElse(raw.inputs().size() == 1 ? raw.inputs().get(0) : null);
        if (input != null && input.shape() != null && input.shape().length == 4) {
            try {
                long[] declared = input.shape();
                long[] shape = {1, declared[1] > 0 ? declared[1] : 3,
                    declared[2] > 0 ? declared[2] : spec.input().height(),
                    declared[3] > 0 ? declared[3] : spec.input().width()};
                prepared = GraphPreparer.prepare(raw, Map.of(input.name(), shape));
            } catch (RuntimeException e) {
                prepared = raw; // not preparable (or the input does not fit): declared shapes only
            }
        }
        SpecCheck.require(spec, model, inputShapes(raw), outputShapes(prepared));
    }

    /** Checks the spec against a model already read and prepared (batch 1). */
    static void check(Graph prepared, Path model, DetectorSpec spec) {
        SpecCheck.require(spec, model, inputShapes(prepared), outputShapes(prepared));
    }

    /**
     * Checks the spec's {@code decoded} flag against the score range of the model's outputs on the first
     * {@code batch} of real images (the calibration images of a quantization run).
     *
     * @throws UserError BAD_SPEC when the flag contradicts the range
     */
    static void checkScores(GraphExecutor engine, DetectorSpec spec, Preprocessor pre, List<Path> images, int batch) {
        List<PreparedImage> first = images.subList(0, Math.min(batch, images.size())).stream().map(pre::prepare)
                .toList();
        if (!first.isEmpty()) {
            spec.decoder().checkScoreRange(engine.run(Preprocessor.stack(first)), spec.input().width(),
                    spec.input().height());
        }
    }

    private static Map<String, long[]> inputShapes(Graph g) {
        Map<String, long[]> m = new LinkedHashMap<>();
        g.inputs().forEach(v -> m.put(v.name(), v.shape()));
        return m;
    }

    private static Map<String, long[]> outputShapes(Graph g) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (ValueInfo v : g.outputs()) {
            long[] inferred = g.shape(v.name());
            m.put(v.name(), inferred != null ? inferred : v.shape());
        }
        return m;
    }
}
