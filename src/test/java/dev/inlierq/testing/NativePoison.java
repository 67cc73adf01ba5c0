package dev.inlierq.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes freed native memory visible: runs the garbage collector (so that Java direct buffers nothing
 * references are freed by their cleaners), then allocates many small direct buffers filled with NaN bit
 * patterns, which the allocator hands out from the memory just freed. A gradient that still reads a freed
 * operand (DJL's {@code Number} overloads wrap the number in such a buffer) then reads NaN. Keep the instance
 * alive until the backward pass is done.
 */
public final class NativePoison {
    private final List<ByteBuffer> buffers = new ArrayList<>();

    private NativePoison() {
    }

    public static NativePoison spread() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100); // the cleaners run on their own thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NativePoison p = new NativePoison();
        for (int size : new int[] {4, 8, 16}) {
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                for (int k = 0; k + 4 <= size; k += 4) {
                    b.putInt(k, 0x7fc00000); // a float NaN in either byte order's low half
                }
                p.buffers.add(b);
            }
        }
        return p;
    }

    /** How many buffers hold the poison (keeps them reachable). */
    public int size() {
        return buffers.size();
    }
}
