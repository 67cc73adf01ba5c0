package dev.inlierq.error;

/**
 * Distinct process exit codes, one per kind of failure a user can cause. The CLI maps every
 * {@link UserError} to its code and prints one line; anything else is an internal error.
 */
public enum ExitCode {
    OK(0),
    /** Command line not understood (picocli's own convention). */
    USAGE(2),
    /** A file or folder the user named does not exist or cannot be read. */
    MISSING_INPUT(3),
    /** The model file is not a valid ONNX model. */
    INVALID_MODEL(4),
    /** The model uses operators this tool does not implement. */
    UNSUPPORTED_OPS(5),
    /** An image could not be decoded, or the image folder holds nothing usable. */
    BAD_IMAGE(6),
    /** The annotation file is malformed or does not match the images. */
    BAD_ANNOTATIONS(7),
    /** The detector spec is malformed or does not match the model. */
    BAD_SPEC(8),
    /** An output would overwrite something the user gave, or cannot be written. */
    OUTPUT_CONFLICT(9),
    /** The runtime (ONNX Runtime, libtorch) failed on a valid input. */
    RUNTIME_FAILURE(10),
    /** Two models that should belong together do not (a quantized model with other inputs than its float model). */
    MODEL_MISMATCH(11),
    /** A file the tool ships with is missing from this build (the demo's bundled model and spec). */
    MISSING_RESOURCE(12),
    /** A bug: unexpected exception. */
    INTERNAL(70);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
