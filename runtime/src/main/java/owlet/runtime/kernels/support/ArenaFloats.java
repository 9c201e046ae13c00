package owlet.runtime.kernels.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Float32 and int32 elements in the byte arena, little-endian, addressed by byte offset. */
public final class ArenaFloats {
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private ArenaFloats() {
    }

    public static float getFloat(byte[] arena, int byteOffset) {
        return (float) F32.get(arena, byteOffset);
    }

    public static void setFloat(byte[] arena, int byteOffset, float v) {
        F32.set(arena, byteOffset, v);
    }

    public static int getInt(byte[] arena, int byteOffset) {
        return (int) I32.get(arena, byteOffset);
    }

    public static void setInt(byte[] arena, int byteOffset, int v) {
        I32.set(arena, byteOffset, v);
    }
}
