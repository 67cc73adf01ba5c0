package dev.inlierq.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * One place that starts DJL's PyTorch engine the way this tool needs it: offline (DJL otherwise calls a
 * cloud metadata address and may try to download natives), with a fixed number of intra-op threads.
 * Every DJL use goes through {@link #engine()}.
 */
public final class DjlRuntime {
    private static volatile Engine engine;

    private DjlRuntime() {
    }

    /** The PyTorch engine, started on first use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlRuntime.class) {
                e = engine;
                if (e == null) {
                    System.setProperty("ai.djl.offline", "true");
                    System.setProperty("ai.djl.default_engine", "PyTorch");
                    System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
                    int threads = Integer.getInteger("inlierq.threads", Runtime.getRuntime().availableProcessors());
                    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
                    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
                    e = Engine.getEngine("PyTorch");
                    engine = e;
                }
            }
        }
        return e;
    }

    /** Sets libtorch's intra-op thread count (applies to the whole process). */
    public static void setThreads(int threads) {
        engine();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    public static NDManager newManager() {
        return engine().newBaseManager();
    }
}
