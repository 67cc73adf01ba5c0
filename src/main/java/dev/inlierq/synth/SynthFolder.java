package dev.inlierq.synth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.report.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output folder of a generation and its manifest {@code synth.json} (the settings, whether the generation
 * completed, and what each split holds).
 *
 * <p>Policy ({@link GenerationFolder}): a missing or empty folder is generated into. A non-empty folder is
 * written into only when its manifest holds the same settings: complete with every file present, it is left as it
 * is (the output would be the same bytes); otherwise (an interrupted run) the generation is run again, replacing
 * only its own files. A non-empty folder without a manifest, or with other settings, is refused
 * ({@link ExitCode#OUTPUT_CONFLICT}): nothing is ever deleted. The manifest is written first with
 * {@code "complete": false} and last with {@code true}; every file is written atomically ({@link OutputFile}).
 */
final class SynthFolder {
    static final String MANIFEST = "synth.json";
    private static final String GENERATOR = "inlierq synth";
    private static final GenerationFolder FOLDER = new GenerationFolder(GENERATOR, "synth", MANIFEST);

    private SynthFolder() {
    }

    /** What to do with the folder. */
    enum State {
        /** Missing or empty: generate. */
        FRESH,
        /** An unfinished generation with the same settings: generate again over it. */
        RESUME,
        /** A finished generation with the same settings and all its files: nothing to do. */
        COMPLETE
    }

    record Prepared(State state, JsonNode manifest) {
    }

    /** Checks the folder against the policy; throws {@link UserError} (OUTPUT_CONFLICT) when it is refused. */
    static Prepared prepare(Path folder, SynthConfig config) {
        JsonNode manifest = FOLDER.accept(folder, config.settings());
        if (manifest == null) {
            return new Prepared(State.FRESH, null);
        }
        boolean complete = manifest.path("complete").asBoolean(false) && allFilesPresent(folder, config);
        return new Prepared(complete ? State.COMPLETE : State.RESUME, manifest);
    }

    /** Writes the manifest atomically. */
    static void writeManifest(Path folder, SynthConfig config, boolean complete, List<SplitSummary> splits) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generator", GENERATOR);
        root.put("settings", config.settings());
        root.put("complete", complete);
        Map<String, Object> bySplit = new LinkedHashMap<>();
        for (SplitSummary s : splits) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images", s.images());
            m.put("boxes", s.boxes());
            m.put("hidden", s.hidden());
            m.put("boxes_per_class", s.boxesPerClass());
            bySplit.put(s.split().folderName(), m);
        }
        root.put("splits", bySplit);
        JsonFiles.write(folder.resolve(MANIFEST), root);
    }

    /** The split summaries a complete manifest records. */
    static List<SplitSummary> summaries(JsonNode manifest) {
        List<SplitSummary> out = new ArrayList<>();
        for (Split split : Split.values()) {
            JsonNode s = manifest.path("splits").path(split.folderName());
            if (s.isMissingNode()) {
                continue;
            }
            Map<String, Integer> perClass = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : s.path("boxes_per_class").properties()) {
                perClass.put(e.getKey(), e.getValue().asInt());
            }
            out.add(new SplitSummary(split, s.path("images").asInt(), s.path("boxes").asInt(), s.path("hidden").asInt(),
                    perClass));
        }
        return out;
    }

    private static boolean allFilesPresent(Path folder, SynthConfig config) {
        for (Split split : Split.values()) {
            int n = config.images(split);
            if (n == 0) {
                continue;
            }
            if (!Files.isRegularFile(folder.resolve(split.annotationFileName()))) {
                return false;
            }
            Path dir = folder.resolve(split.folderName());
            for (int i = 0; i < n; i++) {
                if (!Files.isRegularFile(dir.resolve(CocoJson.fileName(i, config.format())))) {
                    return false;
                }
            }
        }
        return true;
    }
}
