package dev.inlierq.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.report.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The output folder of a generation and its manifest {@code synth.json} (the settings, whether the generation
 * completed, and what each split holds).
 *
 * <p>Policy: a missing or empty folder is generated into. A non-empty folder is written into only when its
 * manifest holds the same settings: complete with every file present, it is left as it is (the output would be
 * the same bytes); otherwise (an interrupted run) the generation is run again, replacing only its own files. A
 * non-empty folder without a manifest, or with other settings, is refused ({@link ExitCode#OUTPUT_CONFLICT}):
 * nothing is ever deleted. The manifest is written first with {@code "complete": false} and last with
 * {@code true}; every file is written atomically ({@link OutputFile}).
 */
final class SynthFolder {
    static final String MANIFEST = "synth.json";
    private static final ObjectMapper MAPPER = JsonFiles.mapper();

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
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, folder + ": is a file, not a folder");
        }
        if (!Files.exists(folder) || isEmpty(folder)) {
            return new Prepared(State.FRESH, null);
        }
        Path manifestFile = folder.resolve(MANIFEST);
        JsonNode manifest = readManifest(manifestFile);
        if (manifest == null) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to write into " + folder
                    + ": it is not empty and holds no synth generation (no valid " + MANIFEST
                    + "); give a new or empty folder");
        }
        JsonNode wanted = reparse(config.settings());
        String difference = firstDifference(manifest.path("settings"), wanted);
        if (difference != null) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite " + folder
                    + ": it holds a synth generation with other settings (" + difference
                    + "); give another folder or delete it");
        }
        boolean complete = manifest.path("complete").asBoolean(false) && allFilesPresent(folder, config);
        return new Prepared(complete ? State.COMPLETE : State.RESUME, manifest);
    }

    /** Writes the manifest atomically. */
    static void writeManifest(Path folder, SynthConfig config, boolean complete, List<SplitSummary> splits) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generator", "inlierq synth");
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

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, folder + ": cannot list the folder (" + OutputFile.reason(e)
                    + ")", e);
        }
    }

    /** The manifest, or null when it is missing or not one of ours. */
    private static JsonNode readManifest(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            return node != null && "inlierq synth".equals(node.path("generator").asText()) ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The same tree as parsed from text, so that numbers compare as the manifest's do. */
    private static JsonNode reparse(Object value) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code "seed 1 there, 0 asked"} for the first setting that differs, or null. */
    private static String firstDifference(JsonNode there, JsonNode wanted) {
        for (Map.Entry<String, JsonNode> e : wanted.properties()) {
            JsonNode old = there.get(e.getKey());
            if (!e.getValue().equals(old)) {
                return e.getKey() + " " + (old == null ? "missing" : old.toString()) + " there, " + e.getValue()
                        + " asked";
            }
        }
        return null;
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
