package dev.inlierq.synth;

/**
 * The two splits of a generation. Each has its own random stream (its {@link #streamId}), so an image depends only
 * on the seed, the split and its index: the validation images do not change when the training count does.
 */
public enum Split {
    TRAIN("train", 1),
    VAL("val", 2);

    private final String folderName;
    private final long streamId;

    Split(String folderName, long streamId) {
        this.folderName = folderName;
        this.streamId = streamId;
    }

    /** The image folder's name, also used in {@code instances_NAME.json}. */
    public String folderName() {
        return folderName;
    }

    /** The annotation file's name, {@code instances_train.json} or {@code instances_val.json}. */
    public String annotationFileName() {
        return "instances_" + folderName + ".json";
    }

    long streamId() {
        return streamId;
    }
}
