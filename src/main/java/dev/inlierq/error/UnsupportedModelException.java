package dev.inlierq.error;

/**
 * A valid model that uses something this tool does not implement: an operator feature (a Resize mode, a
 * dilated MaxPool, ...), or an input that must be constant here. Thrown where the feature is met (shape
 * inference, constant folding, kernel compilation); the message names the node and its op. Exit code
 * {@link ExitCode#UNSUPPORTED_OPS}.
 */
public class UnsupportedModelException extends UserError {
    private static final long serialVersionUID = 1L;

    /** @param node the node as printed by the graph IR, {@code Op(name)} */
    public UnsupportedModelException(Object node, String what) {
        super(ExitCode.UNSUPPORTED_OPS, "unsupported: " + node + ": " + what);
    }

    /** A limitation that is not about one node (operators we lack, an input without a static shape). */
    public UnsupportedModelException(String message) {
        super(ExitCode.UNSUPPORTED_OPS, message);
    }
}
