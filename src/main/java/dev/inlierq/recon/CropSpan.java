package dev.inlierq.recon;

import java.util.List;

/**
 * One value's crop along one spatial axis ({@link WindowGeometry}): {@code offset} and {@code length} in the
 * value's full map, the exact positions {@code [exactFrom, exactTo)} in crop coordinates (those that equal the
 * full computation), and whether the crop's start (end) is the map's own border with everything up to it
 * exact, so that reading past it reads the network's padding, as on the full map.
 */
record CropSpan(long offset, long length, long exactFrom, long exactTo, boolean openStart, boolean openEnd) {
    /** The crop {@code [offset, offset + length)} of a unit input of size {@code full}: all exact. */
    static CropSpan input(long offset, long length, long full) {
        return new CropSpan(offset, length, 0, length, offset == 0, offset + length == full);
    }

    /**
     * The crop of the output of a window op ({@code kernel}, {@code stride}, {@code dilation}, begin padding
     * {@code pad}: output position o reads o stride - pad + j dilation, j < kernel) over this crop, the output
     * {@code length} long in a full output of {@code fullOut}; this crop's full map is {@code fullIn} long.
     *
     * @throws IllegalStateException when the crop's output is not the full output's crop at the same place
     */
    CropSpan through(long kernel, long stride, long dilation, long pad, long length, long fullIn, long fullOut) {
        if (offset % stride != 0) {
            throw new IllegalStateException("the crop does not start on the stride");
        }
        long off = offset / stride;
        boolean atEnd = offset + this.length == fullIn;
        if (off + length > fullOut || atEnd && off + length != fullOut) {
            throw new IllegalStateException("the crop's output is not the full output's crop");
        }
        long from = -1;
        long to = -1;
        for (long o = 0; o < length; o++) {
            if (exact(o * stride - pad, kernel, dilation)) {
                if (from < 0) {
                    from = o;
                } else if (to != o) {
                    throw new IllegalStateException("exact positions are not contiguous");
                }
                to = o + 1;
            }
        }
        if (from < 0) {
            from = 0;
            to = 0;
        }
        return new CropSpan(off, length, from, to, openStart && from == 0 && off == 0,
                openEnd && to == length && off + length == fullOut);
    }

    /** Element-wise joins of crops, which must coincide: exact where all are. */
    static CropSpan join(List<CropSpan> spans, long length) {
        CropSpan in = spans.get(0);
        long from = 0;
        long to = Long.MAX_VALUE;
        boolean open0 = true;
        boolean open1 = true;
        for (CropSpan s : spans) {
            if (s.offset() != in.offset() || s.length() != in.length() || length != in.length()) {
                throw new IllegalStateException("the crops of its inputs differ");
            }
            from = Math.max(from, s.exactFrom());
            to = Math.min(to, s.exactTo());
            open0 &= s.openStart();
            open1 &= s.openEnd();
        }
        return new CropSpan(in.offset(), in.length(), from, Math.max(from, to), open0, open1);
    }

    /** Whether the k reads {@code first + j d} of this crop are all exact. */
    private boolean exact(long first, long k, long d) {
        for (long j = 0; j < k; j++) {
            long r = first + j * d;
            boolean ok = r >= exactFrom && r < exactTo || r < 0 && openStart || r >= length && openEnd;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
