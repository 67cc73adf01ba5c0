package dev.inlierq.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link SynthDataset#generate}: the folder, whether it already held this exact generation (then
 * nothing was written), the splits written (those with at least one image), and the wall time in seconds.
 */
public record SynthResult(Path folder, boolean reused, List<SplitSummary> splits, double seconds) {
    public SynthResult {
        splits = List.copyOf(splits);
    }

    /** The images folder of {@code split} ({@code FOLDER/train} or {@code FOLDER/val}). */
    public Path images(Split split) {
        return folder.resolve(split.folderName());
    }

    /** The COCO file of {@code split} ({@code FOLDER/instances_train.json} or {@code FOLDER/instances_val.json}). */
    public Path annotations(Split split) {
        return folder.resolve(split.annotationFileName());
    }
}
