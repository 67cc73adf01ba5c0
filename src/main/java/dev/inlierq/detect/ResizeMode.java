package dev.inlierq.detect;

/** How an image is fitted to the network input. */
public enum ResizeMode {
    /**
     * Keep the aspect ratio: {@code r = min(inH / h, inW / w)}, resize to
     * {@code ((int) (w * r), (int) (h * r))} (truncation, as YOLOX does), paste at the top-left corner
     * of a canvas filled with the pad value. Back-mapping: {@code x / r}.
     */
    LETTERBOX_TOP_LEFT,
    /**
     * As {@link #LETTERBOX_TOP_LEFT}, pasted at {@code ((inW - newW) / 2, (inH - newH) / 2)} (integer
     * division). Back-mapping: {@code (x - padX) / r}.
     */
    LETTERBOX_CENTER,
    /** Resize to the input size ignoring the aspect ratio. Back-mapping: {@code x * w / inW}, {@code y * h / inH}. */
    STRETCH
}
