package dev.inlierq.engine;

/** A node failed inside libtorch; the message names the node. */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
