package dev.inlierq.train;

import dev.inlierq.tensor.FloatTensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds training batches ahead of the optimiser on a small pool of daemon threads, so the engine is not idle
 * while images are rendered. Batch {@code t} holds samples {@code t * B .. t * B + B - 1} of the
 * {@link SampleSource}, so its content does not depend on the thread count or on timing.
 */
final class BatchPipeline implements AutoCloseable {
    private final SampleSource source;
    private final int batch;
    private final int classes;
    private final int inputSize;
    private final LossOptions loss;
    private final Architecture.BoxHead head;
    private final int ahead;
    private final ExecutorService pool;
    private final Deque<Future<Batch>> queue = new ArrayDeque<>();
    private long nextSubmitted;

    /**
     * One batch: inputs [B, 3, S, S] and their targets.
     *
     * @param images the network inputs
     * @param targets heatmap (and CenterNet's regression) targets
     * @param boxes TTFNet's dense box targets, or null when the loss does not use them
     */
    record Batch(FloatTensor images, Targets targets, BoxTargets boxes) {
    }

    /** A pipeline for CenterNet's loss. */
    BatchPipeline(SampleSource source, int batch, int classes, int inputSize, int workers, long firstBatch) {
        this(source, batch, classes, inputSize, workers, firstBatch, LossOptions.CENTERNET);
    }

    /** A pipeline whose batches carry the targets {@code loss} reads. */
    BatchPipeline(SampleSource source, int batch, int classes, int inputSize, int workers, long firstBatch,
            LossOptions loss) {
        this(source, batch, classes, inputSize, workers, firstBatch, loss, false);
    }

    /** A pipeline whose batches carry the targets {@code loss} reads, and heading targets when {@code headings}. */
    BatchPipeline(SampleSource source, int batch, int classes, int inputSize, int workers, long firstBatch,
            LossOptions loss, boolean headings) {
        this(source, batch, classes, inputSize, workers, firstBatch, loss,
                headings ? Architecture.BoxHead.YAW : Architecture.BoxHead.HULL);
    }

    /**
     * A pipeline whose batches carry the targets {@code loss} reads and those of the box outputs {@code head} names
     * (headings, 3D boxes).
     */
    BatchPipeline(SampleSource source, int batch, int classes, int inputSize, int workers, long firstBatch,
            LossOptions loss, Architecture.BoxHead head) {
        this.source = source;
        this.head = head;
        this.batch = batch;
        this.classes = classes;
        this.inputSize = inputSize;
        this.loss = loss;
        this.ahead = Math.max(2, workers + 1);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "inlierq-train-data-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.nextSubmitted = firstBatch;
    }

    /** The next batch in order (waits for it when it is not ready). */
    Batch next() {
        while (queue.size() < ahead) {
            long t = nextSubmitted++;
            queue.add(pool.submit(() -> build(t)));
        }
        Future<Batch> f = queue.poll();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Batch {@code t}, built on the calling thread. */
    Batch build(long t) {
        List<FloatTensor> inputs = new ArrayList<>(batch);
        List<List<TrainBox>> boxes = new ArrayList<>(batch);
        for (int k = 0; k < batch; k++) {
            SampleSource.Sample s = source.sample(t * batch + k);
            inputs.add(s.input());
            boxes.add(s.boxes());
        }
        BoxTargets dense = loss.box() == LossOptions.Box.GIOU ? BoxTargets.of(boxes, inputSize) : null;
        return new Batch(FloatTensor.stack(inputs), Targets.of(boxes, classes, inputSize, loss.heatmap(), head),
                dense);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
