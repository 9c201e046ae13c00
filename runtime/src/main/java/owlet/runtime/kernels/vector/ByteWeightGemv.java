package owlet.runtime.kernels.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import owlet.runtime.kernels.support.Window;
import owlet.runtime.quant.ChannelRequant;

/**
 * A CONV_2D of fewer than 4 output pixels (the classifier's 1×1 convolution on one pixel), one pixel at a
 * time against the whole filter, with the weights as bytes ({@link GemmWeights#bytes}): there each
 * weight is used once per pixel, and as ints the matrix outgrew the caches (1280×1001 of V2: 5 MB; measured
 * faster, see BENCHMARKS.md). Correct for any convolution; chosen only for the few-pixel ones.
 */
final class ByteWeightGemv extends ConvGemm {
    /**
     * {@code weight - filterZp - delta[oc]}, [block][k][lane], then slack for the last {@link ByteLanes#B}
     * load (max(8, L) bytes for L lanes).
     */
    private final byte[] packedBytes;
    /** Per output channel, padded to whole blocks: what {@link #packedBytes} leaves out of the filter. */
    private final int[] delta;

    ByteWeightGemv(Window w, short[] filter, int inputOffset, ChannelRequant rq, int parts) {
        super(w, filter, inputOffset, 0, rq, parts, w.kh() * w.kw() * w.inC());
        this.delta = new int[blocks * L];
        this.packedBytes = GemmWeights.bytes(filter, outC, depth, delta, B.length());
    }

    /**
     * Pixels p0..p1, blocks b0..b1, weights as bytes: each pixel's
     * window gathered, its input sum taken once for the {@link #delta} term, then one block at a time.
     */
    @Override
    void run(byte[] arena, int p0, int p1, int b0, int b1, int part) {
        int[] src = patches[part];
        int[] acc = scratch[part];
        byte[] window = windows[part];
        Window g = w;
        int perImage = g.outH() * g.outW();
        for (int p = p0; p < p1; p++) {
            int b = p / perImage;
            int oy = (p - b * perImage) / g.outW();
            gather(arena, b, oy, p - b * perImage - oy * g.outW(), window, 0);
            // Widened by scalar code: run once per pixel, a vector loop here stayed C1-compiled for
            // hundreds of inferences (it is called too rarely for C2, and its C1 code is too big for C2 to
            // inline into this method), and C1 allocates every vector (8-40 KB per inference).
            int inputSum = 0;
            for (int k = 0; k < depth; k++) {
                int x = window[k];
                src[k] = x;
                inputSum += x;
            }
            for (int k = b0; k < b1; k++) {
                tile1x1Bytes(src, k, inputSum, arena, outOffset + p * outC, acc);
            }
        }
    }

    /**
     * One block of the patch at {@code src[0]} (as ints) against the weights as bytes:
     * {@code Σ_k (stored + delta)·x = Σ_k stored·x + delta·Σ_k x}, {@code inputSum = Σ_k x}.
     */
    private void tile1x1Bytes(int[] src, int b, int inputSum, byte[] arena, int out, int[] acc) {
        int w0 = b * depth * L;
        IntVector a0 = IntVector.zero(I);
        for (int k = 0; k < depth; k++) {
            a0 = a0.add((VIA_SHORTS ? ByteLanes.widenViaShorts(packedBytes, w0 + k * L)
                    : (IntVector) ByteVector.fromArray(B, packedBytes, w0 + k * L).castShape(I, 0))
                    .mul(src[k]));
        }
        int c0 = b * L;
        a0.add(IntVector.fromArray(I, delta, c0).mul(inputSum)).intoArray(acc, 0);
        // A column of one through the column stage, which every GEMM and depthwise row keeps hot: the
        // one-vector stage, called only from here (once per block, 126 times per inference of V1 0.25),
        // stayed C1 code, 266 KB allocated per inference, for a hundred inferences after the service's
        // warm-up had seen the heap settle (see BENCHMARKS.md).
        rq.store(acc, 0, 1, c0, arena, out + c0, 0, Math.min(L, outC - c0));
    }
}
