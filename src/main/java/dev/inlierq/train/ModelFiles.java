package dev.inlierq.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.graph.Graph;
import dev.inlierq.onnx.OnnxWriter;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.report.OutputFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a trained detector: the ONNX file (the project's {@link OnnxWriter}, batch 1), its spec YAML
 * ({@link DetectorSpecText}, with the command that made it in a comment) and, optionally, the training log as
 * JSON (settings, seed, per-interval losses, seconds). Every file is written atomically and none replaces an
 * existing file ({@link ExitCode#OUTPUT_CONFLICT}).
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * Where the files go.
     *
     * @param onnx the model
     * @param spec its spec
     * @param log the training log, or null for none
     */
    public record Targets(Path onnx, Path spec, Path log) {
        /** The files, the log only when asked for. */
        public List<Path> all() {
            List<Path> l = new ArrayList<>(List.of(onnx, spec));
            if (log != null) {
                l.add(log);
            }
            return l;
        }
    }

    /**
     * How the model is written.
     *
     * @param nms the spec's NMS
     * @param side the input side of the written model and its spec, a multiple of 32 (0: the side it trained at)
     */
    public record Export(NmsMode nms, int side) {
        /** @throws IllegalArgumentException for a side that is neither 0 nor an {@link Architecture} input side */
        public Export {
            Objects.requireNonNull(nms, "nms");
            if (side != 0) {
                Architecture.checkInputSize(side);
            }
        }

        /** The architecture the written files declare. */
        Architecture architecture(Architecture trained) {
            return side == 0 ? trained : trained.toBuilder().inputSize(side).build();
        }
    }

    /** Refuses, before any work, an output that exists already or two outputs that are the same file. */
    public static void checkNew(Targets t) {
        List<Path> seen = new ArrayList<>();
        for (Path p : t.all()) {
            Path abs = p.toAbsolutePath().normalize();
            if (seen.contains(abs)) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "two outputs are the same file: " + p);
            }
            seen.add(abs);
            if (Files.exists(p)) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite " + p + ": it exists already");
            }
            OutputFile.checkWritable("output", p);
        }
    }

    /** The model's bytes as written. */
    public static byte[] onnxBytes(Trainer.Result r) {
        return OnnxWriter.toModel(r.graph(), 1).toByteArray();
    }

    /** Writes the files; {@code command} is recorded in the spec's header and the log. */
    public static void write(Trainer.Result r, TrainingOptions o, Export e, Targets t, String command) {
        Architecture written = e.architecture(o.architecture());
        List<String> header = new ArrayList<>(List.of(
                "InlierQ " + o.scenes().kind() + " detector (CenterNet-style, depthwise SiLU backbone), trained by:",
                command,
                o.architecture().toString()));
        if (written.inputSize() != o.architecture().inputSize()) {
            header.add("written with a " + written.inputSize() + " x " + written.inputSize() + " input");
        }
        byte[] spec = DetectorSpecText.yaml(written, e.nms(), header).getBytes(StandardCharsets.UTF_8);
        Graph model = CenterNetGraph.atInputSide(r.graph(), o.architecture(), written.inputSize());
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(t.onnx(), OnnxWriter.toModel(model, 1).toByteArray());
        files.put(t.spec(), spec);
        if (t.log() != null) {
            files.put(t.log(), logJson(r, o, command));
        }
        writeAllNew(files);
    }

    private static byte[] logJson(Trainer.Result r, TrainingOptions o, String command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("seed", o.seed());
        m.put("settings", o);
        m.put("steps", r.steps());
        m.put("seconds", r.seconds());
        m.put("imagesPerSecond", r.steps() * (double) o.batch() / r.seconds());
        m.put("threads", Integer.getInteger("inlierq.threads", Runtime.getRuntime().availableProcessors()));
        m.put("log", r.log());
        try {
            return JsonFiles.mapper().writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every file to a temporary file first, then renames them all: no file unless every one is written. */
    private static void writeAllNew(Map<Path, byte[]> files) {
        List<OutputFile> outs = new ArrayList<>();
        try {
            for (var e : files.entrySet()) {
                OutputFile f = OutputFile.create(e.getKey());
                outs.add(f);
                f.write(e.getValue());
            }
            for (Path p : files.keySet()) {
                if (Files.exists(p)) {
                    throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite " + p + ": it appeared "
                            + "while training");
                }
            }
            outs.forEach(OutputFile::commit);
        } finally {
            outs.forEach(OutputFile::close);
        }
    }
}
