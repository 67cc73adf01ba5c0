package dev.inlierq.api;

import dev.inlierq.detect.Detection;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.decode.Decoder;
import dev.inlierq.detect.image.ImageFolder;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CocoDataset;
import dev.inlierq.eval.CocoEvaluator;
import dev.inlierq.eval.CocoMetrics;
import dev.inlierq.tensor.FloatTensor;
import dev.inlierq.tensor.ModelRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * COCO evaluation of a detector: images of a folder that the annotation file knows, pre-processed per the
 * detector spec, run in batches on one engine, decoded, and scored with pycocotools semantics. Image
 * decoding of the next batch overlaps inference of the current one.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * @param limit evaluate only the first {@code limit} matched images (by file name); 0 for all
     */
    public record Options(Path model, DetectorSpec spec, Path images, Path annotations, EngineKind engine,
            int batch, int threads, int limit) {
        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(images, "images");
            Objects.requireNonNull(annotations, "annotations");
            Objects.requireNonNull(engine, "engine");
            if (batch < 1 || threads < 1 || limit < 0) {
                throw new IllegalArgumentException("batch and threads must be positive, limit non-negative");
            }
        }
    }

    /**
     * @param skipped files in the folder that are not images or not in the annotation file
     * @param imageIds the ids of the images evaluated, in file-name order
     */
    public record Result(CocoMetrics metrics, int images, double seconds, List<Detection> detections,
            List<Path> skipped, String engine, List<Long> imageIds) {
    }

    /** The images of a folder that an annotation file describes, in file-name order. */
    public record MatchedImages(List<Path> files, List<Long> ids, List<Path> skipped) {
    }

    public static MatchedImages match(Path folder, CocoDataset gt, int limit) {
        ImageFolder.Listing listing = ImageFolder.list(folder);
        List<Path> files = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        List<Path> skipped = new ArrayList<>(listing.skipped());
        for (Path p : listing.images()) {
            var img = gt.imageByFileName(p.getFileName().toString());
            if (img.isEmpty()) {
                skipped.add(p);
                continue;
            }
            if (limit > 0 && files.size() >= limit) {
                continue;
            }
            files.add(p);
            ids.add(img.get().id());
        }
        if (files.isEmpty()) {
            throw new UserError(ExitCode.BAD_ANNOTATIONS, "no image in " + folder
                    + " is listed in the annotation file (file names must match its \"file_name\" entries)");
        }
        return new MatchedImages(files, ids, skipped);
    }

    /** Progress of a run: the number of images to evaluate (once known, after {@code --limit}), then images done. */
    public interface Listener {
        void total(int images);

        void done(int images);

        /** A listener that passes the images done to {@code done} and ignores the total. */
        static Listener onDone(IntConsumer done) {
            return new Listener() {
                @Override
                public void total(int images) {
                }

                @Override
                public void done(int images) {
                    done.accept(images);
                }
            };
        }
    }

    public static Result run(Options o, IntConsumer progress) {
        return run(o, Listener.onDone(progress));
    }

    public static Result run(Options o, Listener progress) {
        return run(o, CocoDataset.load(o.annotations()), progress);
    }

    /** {@link #run(Options, Listener)} with the annotation file {@code o.annotations()} already read ({@code gt}). */
    public static Result run(Options o, CocoDataset gt, Listener progress) {
        MatchedImages m = match(o.images(), gt, o.limit());
        ModelCheck.check(o.model(), o.spec());
        progress.total(m.files().size());
        long t0 = System.nanoTime();
        List<Detection> all = new ArrayList<>();
        String engineName;
        try (ModelRunner runner = o.engine().open(o.model(), o.threads())) {
            engineName = runner.engineName();
            Preprocessor pre = o.spec().preprocessor();
            Decoder decoder = o.spec().decoder();
            ExecutorService io = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "inlierq-decode");
                t.setDaemon(true);
                return t;
            });
            try {
                int n = m.files().size();
                Future<List<PreparedImage>> next = io.submit(() -> prepare(pre, m.files(), 0, Math.min(n, o.batch())));
                for (int start = 0; start < n; start += o.batch()) {
                    int end = Math.min(n, start + o.batch());
                    List<PreparedImage> batch = await(next);
                    int ns = end;
                    int ne = Math.min(n, end + o.batch());
                    next = ns < n ? io.submit(() -> prepare(pre, m.files(), ns, ne)) : null;
                    FloatTensor x = Preprocessor.stack(batch);
                    var outputs = runner.run(x);
                    if (start == 0) {
                        decoder.checkScoreRange(outputs, batch.get(0).inputWidth(), batch.get(0).inputHeight());
                    }
                    List<List<Detection>> dets = decoder.decode(outputs, batch, m.ids().subList(start, end));
                    dets.forEach(all::addAll);
                    progress.done(end);
                }
            } finally {
                io.shutdownNow();
            }
        }
        CocoMetrics metrics = new CocoEvaluator(gt).evaluate(all, m.ids());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(metrics, m.files().size(), seconds, all, m.skipped(), engineName, m.ids());
    }

    private static List<PreparedImage> prepare(Preprocessor pre, List<Path> files, int from, int to) {
        List<PreparedImage> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(pre.prepare(files.get(i)));
        }
        return out;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
