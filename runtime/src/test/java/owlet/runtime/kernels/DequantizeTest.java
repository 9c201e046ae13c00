package owlet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import owlet.runtime.kernels.support.Kernel;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.OperatorOptions;
import owlet.runtime.model.Quantization;
import owlet.runtime.model.TensorType;

class DequantizeTest {
    private static final OperatorOptions NONE = new OperatorOptions.None();

    @Test
    void uint8AndInt8HandValues() throws Exception {
        OpHarness h = new OpHarness();
        int u = h.tensor(TensorType.UINT8, OpHarness.quant(0.5f, 128), 4);
        int uf = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int s = h.tensor(TensorType.INT8, OpHarness.quant(0.25f, -3), 4);
        int sf = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        Kernel ku = h.prepare(BuiltinOp.DEQUANTIZE, NONE, new int[] {u}, uf);
        Kernel ks = h.prepare(BuiltinOp.DEQUANTIZE, NONE, new int[] {s}, sf);
        h.set(u, new byte[] {(byte) 128, (byte) 130, 0, (byte) 255});
        h.set(s, new byte[] {-3, 1, -128, 127});
        h.run(ku);
        h.run(ks);
        assertArrayEquals(new float[] {0, 1, -64, 63.5f}, h.getFloats(uf));
        assertArrayEquals(new float[] {0, 1, -31.25f, 32.5f}, h.getFloats(sf));
    }

    /**
     * Every uint8 value: one rounding from the exact double product, never float multiply-then-add (which
     * differs for some values at this scale; TFLite's NEON code would compute that).
     */
    @Test
    void roundsOnceFromDouble() throws Exception {
        int n = 256;
        float scale = 0.0137f;
        int zp = 111;
        OpHarness h = new OpHarness();
        int in = h.tensor(TensorType.UINT8, OpHarness.quant(scale, zp), n);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, n);
        Kernel k = h.prepare(BuiltinOp.DEQUANTIZE, NONE, new int[] {in}, out);
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = (byte) i;
        }
        h.set(in, q);
        h.run(k);
        float[] got = h.getFloats(out);
        int differing = 0;
        for (int x = 0; x < n; x++) {
            float once = (float) ((double) scale * (x - zp));
            float twice = (float) x * scale + (float) (-zp * (double) scale);
            if (once != twice) {
                differing++;
            }
            assertEquals(once, got[x], 0f, "value " + x);
        }
        assertTrue(differing > 0, "float multiply-then-add should differ somewhere for this scale");
    }

    @Test
    void rejectsFloatInputAndPerChannel() {
        OpHarness h = new OpHarness();
        int f = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int out = h.tensor(TensorType.FLOAT32, Quantization.NONE, 4);
        int pc = h.tensor(TensorType.INT8, OpHarness.perChannel(new float[] {1, 2, 3, 4}, 0), 4);
        InvalidModelException type = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.DEQUANTIZE, NONE, new int[] {f}, out));
        assertTrue(type.getMessage().startsWith("op #0 DEQUANTIZE: input tensor #0"), type.getMessage());
        InvalidModelException perChannel = assertThrows(InvalidModelException.class,
                () -> h.prepare(BuiltinOp.DEQUANTIZE, NONE, new int[] {pc}, out));
        assertTrue(perChannel.getMessage().contains("must be quantized per tensor"), perChannel.getMessage());
    }
}
