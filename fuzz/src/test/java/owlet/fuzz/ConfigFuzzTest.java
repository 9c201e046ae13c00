package owlet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import owlet.device.service.ConfigException;
import owlet.device.service.DeviceConfig;

/**
 * The device's configuration reader, {@code DeviceConfig.load(Path)} (ConfigFile's strict reading, then
 * every key's checks), on arbitrary file contents. Only a ConfigException or IOException naming the file
 * may come out. Seeds: {@code ConfigFuzzTestInputs/}, the shipped examples' shapes and their mistakes.
 */
class ConfigFuzzTest {
    private static final Path FILE = InputFile.create("owlet.properties");

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void load(byte[] data) {
        Path file = InputFile.write(FILE, data);
        Contract.check(file.toString(), () -> DeviceConfig.load(file), ConfigException.class, IOException.class);
    }
}
